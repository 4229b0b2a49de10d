"""The auth service (`/api/auth`): log in, tokens, profile, passwords, registration, trainer accounts."""
from __future__ import annotations

S = "auth"


def login(api, login: str, password: str, remember_me: bool = False) -> dict:
    return api.post(S, "/login", json={"login": login, "password": password, "remember_me": remember_me}, auth=False)


def logout(api, refresh_token: str) -> None:
    api.post(S, "/logout", json={"refresh_token": refresh_token}, auth=False)


def me(api) -> dict:
    return api.get(S, "/me")


def update_me(api, **changes) -> dict:
    return api.patch(S, "/me", json=changes)


def change_password(api, old_password: str, new_password: str, confirmation: str) -> None:
    api.post(S, "/me/password", json={"old_password": old_password, "new_password": new_password,
                                      "new_password_confirmation": confirmation})


def forgot_password(api, *, card_number: str | None = None, email: str | None = None) -> dict:
    body = {"card_number": card_number} if card_number is not None else {"email": email}
    return api.post(S, "/password/forgot", json=body, auth=False)


def register(api, form: dict) -> dict:
    return api.post(S, "/register", json=form, auth=False)


def create_trainer(api, form: dict) -> dict:
    return api.post(S, "/trainers", json=form)


def directory(api, q: str, limit: int = 10) -> dict:
    """The type-ahead directory: 2 characters or more, 10 people at most (more is a 422)."""
    return api.get(S, "/users", params={"q": q, "limit": min(limit, 10)})


def get_user(api, user_id: str) -> dict:
    """Staff: one account of their portal (404 for anyone else's)."""
    return api.get(S, f"/users/{user_id}")


def set_disabled(api, user_id: str, disabled: bool) -> dict:
    """Staff: disable (or enable again) an account of their portal."""
    return api.post(S, f"/users/{user_id}/{'disable' if disabled else 'enable'}")


def security_events(api, user_id: str, limit: int = 20) -> dict:
    """Staff: the account's security trail, newest first."""
    return api.get(S, f"/users/{user_id}/security-events", params={"limit": limit})
