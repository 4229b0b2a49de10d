"""``chassis.tokens.require_auth``, with the view shown in the service's OpenAPI document as secured by the
``bearer`` scheme every app declares (``create_service_app``), so that a reader of ``/openapi.json`` sees which
operations want a token without each view saying it again."""
from __future__ import annotations

from flask_smorest.utils import deepupdate

from chassis.tokens import require_auth


def require_bearer(*roles: str, allow_pending_password_change: bool = False):
    """``require_auth(*roles, ...)`` (401, a temporary-password token refused unless the view allows it, then 403
    for the role), documented as bearer-secured."""
    def decorate(view):
        wrapper = require_auth(*roles, allow_pending_password_change=allow_pending_password_change)(view)
        wrapper._apidoc = deepupdate(getattr(wrapper, "_apidoc", {}), {"manual_doc": {"security": [{"bearer": []}]}})
        return wrapper
    return decorate
