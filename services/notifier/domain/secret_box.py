"""Secrets at rest (temporary passwords until sent, webhook signing secrets): Fernet, key from settings.

``NOTIFIER_SECRET_KEY`` holds the key in production (``python -m services.notifier.cli generate-key``).
Without it, the embedded default keeps a key file in the data folder, created on first use.
"""
from __future__ import annotations

import os
import threading

from cryptography.fernet import Fernet, InvalidToken

from chassis.logging import get_logger
from services.notifier.config import NotifierSettings

_lock = threading.Lock()


class SecretBox:
    def __init__(self, settings: NotifierSettings):
        self._settings = settings
        self._fernet: Fernet | None = None

    def _key(self) -> bytes:
        if self._settings.secret_key:
            return self._settings.secret_key.encode()
        path = self._settings.secret_key_file
        get_logger("notifier").warning(
            "secret_key_from_file", file=str(path),
            detail="NOTIFIER_SECRET_KEY is not set: using a local key file (embedded default). Set it in "
                   "production, the same for the API and the worker, or webhook secrets cannot be read.")
        with _lock:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(Fernet.generate_key())
            return path.read_bytes().strip()

    @property
    def fernet(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(self._key())
        return self._fernet

    def seal(self, secret: str) -> str:
        return self.fernet.encrypt(secret.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise RuntimeError("secret cannot be decrypted with the configured NOTIFIER_SECRET_KEY") from error
