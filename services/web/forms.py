"""Form state for the templates: the values typed and the field errors, in the person's language."""
from __future__ import annotations

from dataclasses import dataclass, field

from services.web.clients.gateway import ApiError
from services.web.i18n import localize, localize_fields, tr


@dataclass
class FormState:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str = ""

    def value(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else value

    def error(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def take(self, error: ApiError, rename: dict | None = None) -> "FormState":
        """Puts an API refusal on the form: field errors beside their fields, the rest on top."""
        rename = rename or {}
        for name, messages in localize_fields(error.fields).items():
            name = rename.get(name, name)
            if self.values.get(name) == "":  # left blank and refused: say so plainly
                messages = [tr("Champ obligatoire.", "Required field.")]
            self.errors.setdefault(name, []).extend(messages)
        self.message = localize(error.message) if error.message else ""
        return self


def trimmed(form, *names: str) -> dict:
    return {name: (form.get(name) or "").strip() for name in names}


def without_blanks(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in ("", None)}
