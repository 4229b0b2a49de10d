"""Pieces of response schemas that several services show the same way. A service's response schema inherits
one (marshmallow schemas inherit declared fields, listed first) and adds its own fields, so each idea is
declared once: a person as shown, a postal address, an entry of an audit trail.

They are never answered alone, so they are not components of any service's ``/openapi.json``."""
from __future__ import annotations

from marshmallow import Schema, fields


class PersonNameFields(Schema):
    """A person's name as shown: first and last."""

    first_name = fields.String()
    last_name = fields.String()


class PersonFields(PersonNameFields):
    """A person as the platform shows them to someone else: name and email."""

    email = fields.String()


class PostalAddressFields(Schema):
    """Where mail goes: street address, city and (Canadian) postal code."""

    address = fields.String()
    city = fields.String()
    postal_code = fields.String()


class AuditEntryFields(Schema):
    """An entry of a service's audit trail (``chassis.audit``): the columns every audit table has. The time and
    subject columns differ by service, so each service's schema adds its own."""

    id = fields.Integer()
    actor_id = fields.String()
    action = fields.String()
    details = fields.Dict()
