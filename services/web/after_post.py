"""After a form's change is made: post/redirect/get, with the success said on the page the person lands on."""
from __future__ import annotations

from flask import flash, redirect, url_for


def done(message: str, endpoint: str, **values):
    """Shows ``message`` as a success on ``endpoint``'s page, where the browser is sent."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))
