"""Notifier configuration: the chassis ``ServiceConfig`` plus the notifier's own settings.

Every setting is ``config.setting(NAME)`` = env ``NOTIFIER_<NAME>`` (or ``ServiceConfig.extra[NAME]``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chassis.config import ServiceConfig, data_dir

SERVICE = "notifier"


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


def _flag(value: str) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class NotifierSettings:
    # SMTP; no host means the embedded default: .eml files in mail_outbox_dir.
    smtp_host: str
    smtp_port: int
    smtp_starttls: bool
    smtp_user: str
    smtp_password: str
    smtp_timeout_seconds: float
    # One SMTP connection carries several emails: closed after this many, or when idle this long.
    smtp_messages_per_connection: int
    smtp_keepalive_seconds: float
    mail_from: str
    mail_outbox_dir: Path
    # Fernet key (urlsafe base64, 32 bytes) that encrypts temporary passwords and webhook secrets at rest
    # (NOTIFIER_SECRET_KEY, or the file NOTIFIER_SECRET_KEY_FILE names). Empty: ``secret_key_file`` in the
    # data folder, created on first use (embedded default only).
    secret_key: str
    secret_key_file: Path
    # Retries of the delivery loops: attempt n waits min(base * 2**(n-1), max) seconds.
    mail_max_attempts: int
    webhook_max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    webhook_timeout_seconds: float
    webhooks_allow_private: bool
    poll_seconds: float
    batch_size: int
    lease_seconds: float
    # Words of the emails. Cheque and bank details come with billing's invoice event (what the PDF prints);
    # these settings only stand in for an older event without them (empty: the email points to support).
    public_base_url: str
    support_phone: str
    support_email: str
    cheque_payable_to: str
    cheque_address: str
    bank_details: str

    @classmethod
    def from_config(cls, config: ServiceConfig) -> NotifierSettings:
        s = config.setting
        folder = data_dir()
        return cls(
            smtp_host=s("SMTP_HOST", ""),
            smtp_port=int(s("SMTP_PORT", "25")),
            smtp_starttls=_flag(s("SMTP_STARTTLS", "0")),
            smtp_user=s("SMTP_USER", ""),
            smtp_password=config.secret("SMTP_PASSWORD"),
            smtp_timeout_seconds=float(s("SMTP_TIMEOUT_SECONDS", "10")),
            smtp_messages_per_connection=int(s("SMTP_MESSAGES_PER_CONNECTION", "20")),
            smtp_keepalive_seconds=float(s("SMTP_KEEPALIVE_SECONDS", "10")),
            mail_from=s("MAIL_FROM", "Guichet <no-reply@guichet.local>"),
            mail_outbox_dir=Path(s("MAIL_OUTBOX_DIR", str(folder / "mail-outbox"))),
            secret_key=config.secret("SECRET_KEY"),
            secret_key_file=folder / "notifier-secret.key",
            mail_max_attempts=int(s("MAIL_MAX_ATTEMPTS", "6")),
            webhook_max_attempts=int(s("WEBHOOK_MAX_ATTEMPTS", "8")),
            retry_base_seconds=float(s("RETRY_BASE_SECONDS", "30")),
            retry_max_seconds=float(s("RETRY_MAX_SECONDS", "3600")),
            webhook_timeout_seconds=float(s("WEBHOOK_TIMEOUT_SECONDS", "5")),
            webhooks_allow_private=_flag(s("WEBHOOKS_ALLOW_PRIVATE", "0")),
            lease_seconds=float(s("LEASE_SECONDS", "300")),
            poll_seconds=float(s("POLL_SECONDS", "2")),
            batch_size=int(s("BATCH_SIZE", "20")),
            public_base_url=config.public_base_url.rstrip("/"),
            support_phone=s("SUPPORT_PHONE", "1 800 361-4528, poste 246"),
            support_email=s("SUPPORT_EMAIL", "support@asstsas.qc.ca"),
            cheque_payable_to=s("CHEQUE_PAYABLE_TO", "ASSTSAS"),
            cheque_address=s("CHEQUE_ADDRESS", ""),
            bank_details=s("BANK_DETAILS", ""),
        )
