"""Configuration read from environment variables, with documented defaults.

Every service builds a `ServiceConfig` with its own prefix, e.g. ``ServiceConfig.from_env("auth")``
reads ``AUTH_DATABASE_URL``. The table of variables is in docs/configuration.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent


def env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


class SecretFileError(RuntimeError):
    """A secret's file is named but cannot be read: the process stops with this message."""


def secret(name: str, default: str = "") -> str:
    """A secret setting: ``NAME`` itself, else the content of the file ``NAME_FILE`` names.

    Compose and Kubernetes mount secrets as files (``/run/secrets/...``), which keeps them out of the
    environment that ``docker inspect`` and child processes see. A named file that is missing fails loudly:
    Compose mounts an empty folder in place of a missing secret file, and a service must not start on it.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return default
    try:
        return Path(path).read_text(encoding="utf-8").strip()  # editors and echo end files with a newline
    except OSError as error:
        raise SecretFileError(
            f"{name}_FILE={path}: {error.strerror or error}. Create the secret file "
            "(deploy/compose/make-secrets.sh makes every file docker-compose.yml mounts).") from None


def with_password(url: str, variable: str) -> str:
    """``url`` with the password ``secret(variable)`` when one is given, so that a URL in plain settings
    (``AUTH_DATABASE_URL``, ``BUS_URL``) names the user and host while the password stays a secret."""
    password = secret(variable)
    if not password:
        return url
    if not urlsplit(url).username:
        raise SecretFileError(f"{variable} is set but the URL it completes names no user: {urlsplit(url).scheme}://...")
    return url_with_password(url, password)


def url_with_password(url: str, password: str) -> str:
    """``url`` whose user gets ``password`` (in place of any it had), quoted for a URL."""
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user.partition(':')[0]}:{quote(password, safe='')}@{host}"))


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
JWKS_PATH = "/api/auth/.well-known/jwks.json"


def data_dir() -> Path:
    """Folder of the embedded defaults (SQLite files, mail outbox, keys)."""
    path = Path(env("GUICHET_DATA_DIR", str(REPO_ROOT / "var" / "data")))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class ServiceConfig:
    service: str
    database_url: str
    bus_url: str = "memory://"
    bus_exchange: str = "guichet.events"
    jwks_url: str = DEFAULT_PUBLIC_BASE_URL + JWKS_PATH
    token_issuer: str = "guichet-auth"
    token_audience: str = "guichet"
    max_content_length: int = 1_048_576
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    log_level: str = "INFO"
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, service: str, **overrides) -> ServiceConfig:
        prefix = service.upper()
        # Every address of the platform follows its public one (PUBLIC_BASE_URL) unless set on its own,
        # so that one variable moves the whole platform (e.g. to another port).
        public_base_url = env("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/")
        base = cls(
            service=service,
            database_url=with_password(env(f"{prefix}_DATABASE_URL", f"sqlite:///{data_dir() / (service + '.db')}"),
                                       f"{prefix}_DATABASE_PASSWORD"),
            bus_url=with_password(env("BUS_URL", "memory://"), "BUS_PASSWORD"),
            bus_exchange=env("BUS_EXCHANGE", "guichet.events"),
            jwks_url=env("AUTH_JWKS_URL", public_base_url + JWKS_PATH),
            token_issuer=env("TOKEN_ISSUER", "guichet-auth"),
            token_audience=env("TOKEN_AUDIENCE", "guichet"),
            max_content_length=env_int(f"{prefix}_MAX_CONTENT_LENGTH", env_int("MAX_CONTENT_LENGTH", 1_048_576)),
            public_base_url=public_base_url,
            log_level=env("LOG_LEVEL", "INFO"),
        )
        return replace(base, **overrides) if overrides else base

    def setting(self, name: str, default: str) -> str:
        """A service-specific setting: ``extra`` first, then ``<PREFIX>_<NAME>``, then the default."""
        if name in self.extra:
            return self.extra[name]
        return env(f"{self.service.upper()}_{name.upper()}", default)

    def secret(self, name: str, default: str = "") -> str:
        """A service-specific secret: ``extra`` first, then ``<PREFIX>_<NAME>`` or its ``_FILE`` (``secret``)."""
        if name in self.extra:
            return self.extra[name]
        return secret(f"{self.service.upper()}_{name.upper()}", default)
