"""marshmallow's messages, written in French and translated through the catalogue when they are raised.

marshmallow writes its messages in English, formats them where it raises them, and offers no
translation hook. Here its default messages become French source strings of chassis's catalogue, and
fields and validators translate their message (the default or a schema's own ``error=N_("...")``) in the
language of the moment before filling it. ``install()`` runs once per process (``chassis.http.app_factory``,
the web app); it is idempotent.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from chassis.i18n import N_, translate

FIELD_MESSAGES = {
    fields.Field: {"required": N_("Champ obligatoire."), "null": N_("Champ obligatoire."),
                   "validator_failed": N_("Valeur invalide.")},
    fields.String: {"invalid": N_("Texte attendu."), "invalid_utf8": N_("Texte attendu.")},
    fields.Number: {"invalid": N_("Nombre attendu."), "too_large": N_("Nombre trop grand.")},
    fields.Integer: {"invalid": N_("Nombre entier attendu.")},
    fields.Float: {"special": N_("Nombre attendu.")},
    fields.Decimal: {"special": N_("Nombre attendu.")},
    fields.Boolean: {"invalid": N_("Valeur oui/non attendue.")},
    fields.Date: {"invalid": N_("Date invalide (AAAA-MM-JJ)."), "format": N_("Date invalide (AAAA-MM-JJ).")},
    fields.DateTime: {"invalid": N_("Date et heure invalides."), "invalid_awareness": N_("Date et heure invalides."),
                      "format": N_("Date et heure invalides.")},
    fields.Email: {"invalid": N_("Adresse courriel invalide.")},
    fields.URL: {"invalid": N_("Adresse web invalide.")},
    fields.UUID: {"invalid_uuid": N_("Identifiant invalide.")},
    fields.List: {"invalid": N_("Liste attendue.")},
    fields.Tuple: {"invalid": N_("Liste attendue.")},
    fields.Mapping: {"invalid": N_("Objet attendu.")},
    fields.Nested: {"type": N_("Objet attendu.")},
    fields.Enum: {"unknown": N_("Choisissez une valeur de la liste.")},
}
SCHEMA_MESSAGES = {"type": N_("Objet attendu."), "unknown": N_("Champ inconnu.")}


# marshmallow's English default -> our French one, for fields and validators built before ``install()``.
_FRENCH_FOR: dict[str, str] = {}


def source_of(message):
    """Our French source string for one of marshmallow's English defaults; any other message as it is."""
    return _FRENCH_FOR.get(message, message) if isinstance(message, str) else message


_source = source_of


def _make_error(self, key: str, **kwargs) -> ValidationError:
    try:
        message = _source(self.error_messages[key])
    except KeyError:
        return _original_make_error(self, key, **kwargs)
    if isinstance(message, str):
        message = translate(message).format(**kwargs)
    return ValidationError(message)


def _length_error(self, value, message: str) -> str:
    if self.error:
        template = _source(self.error)
    elif self.equal is not None:
        template = N_("Exactement {equal} caractères.")
    elif self.min is not None and self.max is not None:
        template = N_("Entre {min} et {max} caractères.")
    elif self.min is not None:
        template = N_("Au moins {min} caractères.")
    else:
        template = N_("Au plus {max} caractères.")
    return translate(template).format(input=value, min=self.min, max=self.max, equal=self.equal)


def _range_error(self, value, message: str) -> str:
    if self.error:
        template = _source(self.error)
    elif self.min is not None and self.max is not None:
        template = N_("Entre {min} et {max}.")
    elif self.min is not None:
        template = N_("Au moins {min}.") if self.min_inclusive else N_("Plus de {min}.")
    else:
        template = N_("Au plus {max}.") if self.max_inclusive else N_("Moins de {max}.")
    return translate(template).format(input=value, min=self.min, max=self.max)


def _one_message(default: str, **names):
    """``_format_error`` of a validator with one message: the schema's own or ``default``, translated."""
    def format_error(self, value) -> str:
        values = {name: getattr(self, attribute, None) for name, attribute in names.items()}
        return translate(_source(self.error) or default).format(input=value, **values)
    return format_error


_original_make_error = fields.Field.make_error


def install() -> None:
    if fields.Field.make_error is _make_error:
        return
    for field_class, messages in FIELD_MESSAGES.items():
        english = field_class.__dict__.get("default_error_messages", {})
        _FRENCH_FOR.update({english[key]: french for key, french in messages.items() if key in english})
        field_class.default_error_messages = {**field_class.__dict__.get("default_error_messages", {}), **messages}
    _FRENCH_FOR.update({Schema._default_error_messages[key]: french for key, french in SCHEMA_MESSAGES.items()})
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    fields.Field.make_error = _make_error
    validate.Length._format_error = _length_error
    validate.Range._format_error = _range_error
    for validator, default in ((validate.Email, N_("Adresse courriel invalide.")),
                               (validate.URL, N_("Adresse web invalide.")),
                               (validate.Regexp, N_("Format invalide.")),
                               (validate.OneOf, N_("Choisissez une valeur de la liste.")),
                               (validate.ContainsOnly, N_("Choisissez des valeurs de la liste.")),
                               (validate.NoneOf, N_("Valeur invalide.")),
                               (validate.Predicate, N_("Valeur invalide."))):
        _FRENCH_FOR[validator.default_message] = default
        validator.default_message = default
        validator._format_error = _one_message(default)
    _FRENCH_FOR[validate.Equal.default_message] = N_("Doit valoir {other}.")
    validate.Equal._format_error = _one_message(N_("Doit valoir {other}."), other="comparable")
