"""The correlation id: enters with an HTTP request, rides on every event it causes."""
from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    """The id bound to this request or event handler; a fresh one outside of both."""
    value = _correlation_id.get()
    return value or new_id()


def bind_correlation_id(value: str | None) -> contextvars.Token:
    return _correlation_id.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    _correlation_id.reset(token)


@contextmanager
def correlation_scope(value: str | None):
    token = bind_correlation_id(value)
    try:
        yield
    finally:
        reset_correlation_id(token)
