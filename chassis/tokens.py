"""Access-token checks: RS256 JWTs verified against the auth service's JWKS.

The algorithm is pinned (never read from the token); ``exp``, ``iat``, ``aud`` and ``iss`` are
checked. Keys are cached and refetched when a token names an unknown ``kid`` (key rotation).
"""
from __future__ import annotations

import base64
import functools
import json
import threading
import time
from collections.abc import Callable

import jwt
from flask import current_app, g, request

from chassis.account_status import ACCOUNT_DISABLED
from chassis.errors import Forbidden, Unauthorized
from chassis.i18n import N_, _
from chassis.principal import Principal

ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "aud", "iss"]
# How long after its last fetch of the auth service's key set a service waits before an unknown kid may
# make it fetch again. Short, so that a token signed by a key rotated in a moment ago is accepted within
# seconds (auth signs with a new key at once); not zero, so that tokens with made-up kids (no valid
# signature needed to name one) cannot turn every request into a request to auth. PyJWT's default is 30 s.
JWKS_REFETCH_COOLDOWN_SECONDS = 2.0


class StaticJwksClient(jwt.PyJWKClient):
    """A JWKS held in memory (tests, and a service that signs its own tokens)."""

    def __init__(self, jwks_provider):
        super().__init__("http://static.invalid/jwks", cache_keys=False, cache_jwk_set=False)
        self._provider = jwks_provider

    def fetch_data(self):
        return self._provider() if callable(self._provider) else self._provider


class JwksClient(jwt.PyJWKClient):
    """Auth's key set over HTTP, cached; an unknown kid refetches it at most once every ``refetch_cooldown``
    seconds since the last fetch, measured on ``clock`` (PyJWT's own cooldown reads the system clock: a test
    could not tell "within the cooldown" from "the machine was slow")."""

    def __init__(self, url: str, refetch_cooldown: float, clock: Callable[[], float] = time.monotonic):
        super().__init__(url, cache_jwk_set=True, lifespan=300, timeout=5, cooldown_duration=0)
        self.refetch_cooldown, self.clock = refetch_cooldown, clock
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def fetch_data(self):
        data = super().fetch_data()
        self._fetched_at = self.clock()
        return data

    def get_signing_key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            key = self.match_kid(self.get_signing_keys(), kid)
            if key is None and (self._fetched_at is None or self.clock() - self._fetched_at >= self.refetch_cooldown):
                key = self.match_kid(self.get_signing_keys(refresh=True), kid)
            if key is None:
                raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
            return key


class TokenVerifier:
    """Verifies a token once: a person's browser sends the same token with every request of its lifetime, and
    checking its RS256 signature (and PyJWT's parsing) was a fifth of a read's CPU. A token verified before is
    accepted again without that work while it has not expired (``exp``, with the leeway) and the key that
    signed it is still the one the key set gives for its ``kid`` (a key withdrawn from the set no longer
    opens anything, as before). Whether the account was disabled since is checked at every request anyway
    (``current_principal``). At most ``VERIFIED_KEPT`` tokens are kept; past that the memory starts afresh."""

    VERIFIED_KEPT = 4096

    def __init__(self, jwks_client: jwt.PyJWKClient, issuer: str, audience: str, leeway: int = 5):
        self.jwks_client = jwks_client
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._verified: dict[str, tuple[Principal, float, str, object]] = {}

    @classmethod
    def from_url(cls, url: str, issuer: str, audience: str, refetch_cooldown: float = JWKS_REFETCH_COOLDOWN_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> TokenVerifier:
        # The key set is cached for 5 minutes; an unknown kid makes it fetched again, at most once every
        # `refetch_cooldown` seconds since the last fetch.
        return cls(JwksClient(url, refetch_cooldown, clock), issuer, audience)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and self._still_valid(*known[1:]):
            return known[0]
        try:
            header = _unverified_header(token)
            if header.get("alg") not in ALGORITHMS or not header.get("kid"):
                raise jwt.InvalidTokenError("unexpected header")
            key = self.jwks_client.get_signing_key(header["kid"]).key
            claims = jwt.decode(token, key, algorithms=ALGORITHMS, audience=self.audience, issuer=self.issuer,
                                leeway=self.leeway, options={"require": REQUIRED_CLAIMS})
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise Unauthorized(_("Jeton invalide ou expiré.")) from error
        roles = claims.get("roles") or []
        if not isinstance(roles, list):
            raise Unauthorized(_("Jeton invalide ou expiré."))
        principal = Principal(user_id=str(claims["sub"]), roles=tuple(roles), claims=claims)
        if len(self._verified) >= self.VERIFIED_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, float(claims["exp"]), header["kid"], key)
        return principal

    def _still_valid(self, expires: float, kid: str, key) -> bool:
        """``exp`` is the only time claim a verified token can fail later (``iat`` and ``nbf`` passed already)."""
        if time.time() >= expires + self.leeway:
            return False
        try:
            current = self.jwks_client.get_signing_key(kid).key
        except (jwt.PyJWTError, ValueError, KeyError):
            return False
        return current is key or current == key


def _unverified_header(token: str) -> dict:
    """The token's header, only to pick the key by ``kid``: ``jwt.decode`` then parses and checks the whole
    token itself (PyJWT's own ``get_unverified_header`` would parse it a second time, character by character:
    a sixth of a read's time)."""
    segment = token.split(".", 1)[0]
    header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    if not isinstance(header, dict):
        raise jwt.InvalidTokenError("the header is not a JSON object")
    return header


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_principal() -> Principal:
    """The caller of this request; raises 401 when there is none or the token is bad."""
    principal = g.get("principal")
    if principal is None:
        token = bearer_token()
        if token is None:
            raise Unauthorized(_("Authentification requise."))
        principal = current_app.extensions["token_verifier"].verify(token)
        disabled = current_app.extensions.get("disabled_accounts")
        if disabled is not None and disabled.contains(principal.user_id):
            raise Unauthorized(ACCOUNT_DISABLED, code="account_disabled")
        g.principal = principal
    return principal


def optional_principal() -> Principal | None:
    return current_principal() if bearer_token() else None


PASSWORD_CHANGE_REQUIRED = N_("Changez d'abord votre mot de passe temporaire.")


def require_auth(*roles: str, allow_pending_password_change: bool = False):
    """View decorator: a valid token, and one of ``roles`` when any are given (else 403).

    A token from a temporary-password login (claim ``pwd_change_required``) opens nothing but the
    password change (403 ``password_change_required``): whoever learned a temporary password from a
    mailbox must not act as the person before choosing a password of their own.
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal.claims.get("pwd_change_required") and not allow_pending_password_change:
                raise Forbidden(PASSWORD_CHANGE_REQUIRED, code="password_change_required")
            if roles and not principal.has_role(*roles):
                raise Forbidden(_("Ce rôle n'a pas accès à cette action."))
            return view(*args, **kwargs)
        return wrapper
    return decorate
