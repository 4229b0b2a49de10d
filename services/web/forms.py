"""Form state for the templates: the values typed and the field errors, in the person's language.

One mapping for every form of the web app, not one per page:

- ``FormState.take`` puts an API refusal on the form. The API's field names (flattened by the gateway
  client: ``delivery.city``, ``card.number``, list items ``emails.0``) become the form's field names.
- Just before a page is rendered (Flask's ``before_render_template`` signal), ``FormState.place`` moves
  every error whose field the page does not show to the top of the form, with the field's label, so no
  error the API gave is ever dropped. The fields a page shows are read from its template (the macro
  calls ``input(form, "name", ...)`` and ``form.error("name")``), or given as ``FormState(fields=...)``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import before_render_template

from chassis.i18n import N_, _, current_language
from services.web.clients.gateway import ApiError

REQUIRED = N_("Champ obligatoire.")
# Labels of API field names a page may not show as a field (the top of the form names them).
FIELD_LABELS: dict[str, str] = {
    "trainer_email": N_("Courriel du formateur"),
    "second_trainer": N_("Deuxième formateur / moniteur"),
    "second_trainer.card_number": N_("Carte du deuxième formateur"),
    "second_trainer.first_name": N_("Prénom du deuxième formateur"),
    "second_trainer.last_name": N_("Nom du deuxième formateur"),
    "organization_type": N_("Type d'organisme"),
    "organization_name": N_("Nom de l'organisme"),
    "institution_id": N_("Maison d'enseignement accréditée"),
    "location": N_("Lieu de formation"),
    "activity_code": N_("Activité de formation"),
    "end_date": N_("Fin de la session"),
    "delivery": N_("Adresse de livraison"),
    "delivery.address": N_("Adresse de livraison"),
    "delivery.city": N_("Ville de livraison"),
    "delivery.postal_code": N_("Code postal de livraison"),
    "delivery.attention": N_("À l'attention de"),
    "delivery.email": N_("Courriel de livraison"),
    "title": N_("Titre"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "birth_date": N_("Date de naissance"),
    "phone": N_("Téléphone"),
    "phone_ext": N_("Poste"),
    "participants": N_("Participants"),
    "payment_method": N_("Mode de paiement"),
    "method": N_("Mode de paiement"),
    "billed_to": N_("Facturé à"),
    "card": N_("Carte de crédit"),
    "card.number": N_("Numéro de la carte"),
    "card.holder": N_("Nom du titulaire"),
    "card.exp_month": N_("Mois d'expiration"),
    "card.exp_year": N_("Année d'expiration"),
    "card.cvc": N_("CVC"),
    "amount": N_("Montant"),
    "reference": N_("Référence"),
    "received_on": N_("Date de réception"),
    "email": N_("Courriel"),
    "email_confirmation": N_("Confirmation du courriel"),
    "password": N_("Mot de passe"),
    "password_confirmation": N_("Confirmation du mot de passe"),
    "current_password": N_("Mot de passe actuel"),
    "old_password": N_("Mot de passe actuel"),
    "new_password": N_("Nouveau mot de passe"),
    "new_password_confirmation": N_("Confirmation du mot de passe"),
    "card_number": N_("Numéro de carte"),
    "file": N_("Fichier"),
    "name": N_("Dénomination"),
    "status": N_("Statut"),
    "user_id": N_("Utilisateur"),
    "house_id": N_("Maison de production"),
}


def field_label(name: str, labels: dict | None = None) -> str:
    """A field's label in the person's language: the form's own labels, the catalogue, else the name."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if labels and key in labels:
            return labels[key]
        if key in FIELD_LABELS:
            return _(FIELD_LABELS[key])
    return name


def labelled(label: str, message: str) -> str:
    """``Label : message`` in French, ``Label: message`` in English."""
    if not label:
        return message
    return f"{label}: {message}" if current_language() == "en" else f"{label}\u00a0: {message}"


@dataclass
class FormState:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str = ""
    fields: tuple = ()          # the fields the page shows; read from its template when not given
    labels: dict = field(default_factory=dict)
    top_errors: list = field(default_factory=list)   # errors of fields the page does not show

    def value(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else value

    def error(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def add_error(self, name: str, message: str) -> None:
        """Each message once per field (a check of the web app and the API's may say the same)."""
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def take(self, error: ApiError, rename: dict | None = None) -> FormState:
        """Puts an API refusal on the form: field errors beside their fields, the rest on top."""
        for api_name, messages in error.fields.items():
            name = form_name(api_name, rename)
            if self.values.get(name) == "":  # left blank and refused: say so plainly
                messages = [_(REQUIRED)]
            for message in messages:
                self.add_error(name, message)
        self.message = error.message or ""
        return self

    def place(self, shown) -> None:
        """Every error beside a field the page shows, or on top with its label: none is dropped."""
        shown = set(self.fields or shown)
        for name in list(self.errors):
            if name in shown:
                continue
            target = nearest_field(name, shown)
            messages = self.errors.pop(name)
            if target is not None:
                for message in messages:
                    self.add_error(target, message)
                continue
            whole = name.removesuffix("._schema")
            label = "" if whole.startswith("_") else field_label(whole, self.labels)
            for message in messages:
                line = labelled(label, message)
                if line not in self.top_errors and line != self.message:
                    self.top_errors.append(line)
                    # the top of every form shows ``message`` (base.html): it carries them too
                    self.message = f"{self.message} {line}".strip()


def form_name(api_name: str, rename: dict | None = None) -> str:
    """An API field name -> the form's: ``rename`` by whole name or by leading part (``card`` -> ``c``)."""
    rename = rename or {}
    if api_name in rename:
        return rename[api_name]
    for source, target in rename.items():
        if api_name.startswith(source + "."):
            return target + api_name[len(source):]
    return api_name


def nearest_field(name: str, shown) -> str | None:
    """The field of the page that an error on ``name`` belongs to: list indexes and sub-parts dropped
    (``emails.0`` -> ``emails``, ``delivery.city.x`` -> ``delivery.city``); None when there is none."""
    parts = [part for part in name.split(".") if not part.isdigit() and part != "_schema"]
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in shown:
            return candidate
    return None


def trimmed(form, *names: str) -> dict:
    return {name: (form.get(name) or "").strip() for name in names}


def without_blanks(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in ("", None)}


# The fields a template shows, per form variable -----------------------------------------------

_FIELD_CALL = re.compile(r"""\b\w+\(\s*(\w+)\s*,\s*["']([\w.\-]+)["']""")       # input(form, "name", ...)
_FIELD_LOOKUP = re.compile(r"""\b(\w+)\.(?:error|value)\(\s*["']([\w.\-]+)["']""")  # form.error('name')
_INCLUDE = re.compile(r"""\{%-?\s*(?:include|extends)\s+["']([^"']+)["']""")
_shown_cache: dict[str, tuple[object, dict[str, set[str]]]] = {}


def fields_shown(env, template_name: str, _seen: set | None = None) -> dict[str, set[str]]:
    """``{"form": {"location", "delivery.city", ...}}``: the fields each form variable has on the page,
    from the template and the templates it includes or extends."""
    seen = _seen if _seen is not None else set()
    if template_name in seen or env.loader is None:
        return {}
    seen.add(template_name)
    cached = _shown_cache.get(template_name)
    if cached is not None and _seen is None and cached[0] is not None and cached[0]():
        return cached[1]
    source, _filename, uptodate = env.loader.get_source(env, template_name)
    shown: dict[str, set[str]] = {}
    for pattern in (_FIELD_CALL, _FIELD_LOOKUP):
        for variable, name in pattern.findall(source):
            shown.setdefault(variable, set()).add(name)
    for included in _INCLUDE.findall(source):
        for variable, names in fields_shown(env, included, seen).items():
            shown.setdefault(variable, set()).update(names)
    if _seen is None:
        _shown_cache[template_name] = (uptodate, shown)
    return shown


def _place_errors(app, template, context, **_extra) -> None:
    forms = {name: value for name, value in context.items() if isinstance(value, FormState)}
    if not forms or not any(form.errors for form in forms.values()) or not template.name:
        return
    shown = fields_shown(app.jinja_env, template.name)
    for variable, form in forms.items():
        if form.errors:
            form.place(shown.get(variable, set()))


before_render_template.connect(_place_errors)
