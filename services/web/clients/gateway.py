"""One API call through the gateway: request id, bearer token, refresh on expiry, contract errors.

``Gateway(base_url, timeout, login, on_tokens)`` is built per page request (see ``services.web.web_session``).
A 4xx/5xx answer raises ``ApiError`` with the contract's ``code``, ``message`` and flattened ``fields``
(``{"delivery.city": ["..."]}``); an expired or revoked session raises ``NotSignedIn``.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
from flask import has_request_context, request

from chassis.i18n import _

_local = threading.local()


def _http() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.trust_env = False
    return _local.session


class NotSignedIn(Exception):
    """The person has no valid session any more: send them to the login page."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, body: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.body = body or {}

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        return cls(response.status_code, str(error.get("code") or "http_error"),
                   str(error.get("message") or ""), flatten_fields(error.get("fields") or {}), error)


def flatten_fields(fields: Any, prefix: str = "") -> dict[str, list[str]]:
    """``{"delivery": {"city": ["x"]}}`` -> ``{"delivery.city": ["x"]}``; list items keep their index."""
    flat: dict[str, list[str]] = {}
    if isinstance(fields, dict):
        for key, value in fields.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, (dict,)):
                flat.update(flatten_fields(value, name))
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                flat[name] = list(value)
            elif isinstance(value, list):   # a list of objects: each item under its index (``items.0.x``)
                for index, item in enumerate(value):
                    item_name = f"{name}.{index}"
                    if isinstance(item, (dict, list)):
                        flat.update(flatten_fields(item, item_name))
                    else:
                        flat.setdefault(name, []).append(str(item))
            else:
                flat[name] = [str(value)]
    elif isinstance(fields, list):
        flat[prefix or "_"] = [str(v) for v in fields]
    return flat


class Gateway:
    def __init__(self, base_url: str, timeout: float, *, login=None, request_id: str | None = None,
                 language: str = "fr", on_tokens: Callable[[Any, dict], None] | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.login = login
        self.request_id = request_id
        self.language = language
        self.on_tokens = on_tokens

    def url(self, service: str, path: str) -> str:
        return f"{self.base_url}/api/{service}{path}"

    def call(self, service: str, method: str, path: str, *, json: Any = None, params: dict | None = None,
             files: dict | None = None, headers: dict | None = None, auth: bool = True, raw: bool = False):
        response = self._send(service, method, path, json, params, files, headers, auth)
        if response.status_code == 401 and auth and self.login is not None:
            self.refresh()
            response = self._send(service, method, path, json, params, files, headers, auth)
        if response.status_code == 401 and auth:
            raise NotSignedIn()
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        if raw:
            return response
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    def get(self, service: str, path: str, **kw):
        return self.call(service, "GET", path, **kw)

    def post(self, service: str, path: str, **kw):
        return self.call(service, "POST", path, **kw)

    def patch(self, service: str, path: str, **kw):
        return self.call(service, "PATCH", path, **kw)

    def delete(self, service: str, path: str, **kw):
        return self.call(service, "DELETE", path, **kw)

    def refresh(self) -> None:
        """Trades the refresh token for a new pair; NotSignedIn when the auth service refuses it."""
        if self.login is None:
            raise NotSignedIn()
        response = self._send("auth", "POST", "/refresh", {"refresh_token": self.login.refresh_token},
                              None, None, None, auth=False)
        if response.status_code != 200:
            raise NotSignedIn()
        tokens = response.json()
        if self.on_tokens:
            self.on_tokens(self.login, tokens)
        else:
            self.login.access_token = tokens["access_token"]

    def _send(self, service, method, path, json, params, files, headers, auth) -> requests.Response:
        sent = {"Accept": "application/json", "Accept-Language": self.language}
        if self.request_id:
            sent["X-Request-ID"] = self.request_id
        if has_request_context() and request.remote_addr:
            # whose request this is: the gateway believes it from the web only (rate limits, throttling)
            sent["X-Forwarded-For"] = request.remote_addr
        if auth and self.login is not None:
            if self.login.access_expires_at <= datetime.now(UTC):
                self.refresh()
            sent["Authorization"] = f"Bearer {self.login.access_token}"
        sent.update(headers or {})
        try:
            return _http().request(method, self.url(service, path), json=json, params=params, files=files,
                                   headers=sent, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ApiError(503, "unavailable", _("Service indisponible, réessayez dans un instant.")) from exc
