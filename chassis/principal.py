"""Who is calling: the user and roles a verified token names.

Apart from ``chassis.tokens`` (which reads it from the Flask request) so that operations and consumers can
take a ``Principal`` without loading Flask in the background processes.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: tuple[str, ...]
    claims: dict = field(default_factory=dict)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)
