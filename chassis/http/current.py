"""What a view takes from the app that serves it: the database ``create_service_app`` put there."""
from __future__ import annotations

from flask import current_app

from chassis.db import Database


def database() -> Database:
    return current_app.extensions["db"]
