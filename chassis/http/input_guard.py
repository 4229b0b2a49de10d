"""Refuses, before any view runs, the input no person types and no layer below can hold.

- NUL characters (U+0000) in query strings and JSON bodies (422): PostgreSQL text cannot hold them.
- Lone UTF-16 surrogates (U+D800..U+DFFF, e.g. ``"A\\ud800"`` in JSON) (422): they are valid JSON
  escapes but not text; encoding them to UTF-8 for the database or the log raised ``UnicodeEncodeError``.
- JSON nested deeper than ``MAX_JSON_DEPTH`` (400): no contract body is more than a few levels deep,
  and very deep nesting made the parser or a recursive walk raise ``RecursionError``.
Each answer is the contract's error body; without this guard every one of them was a 500.
"""
from __future__ import annotations

import re

from flask import Flask, request

from chassis.errors import ApiError, ValidationFailed
from chassis.i18n import N_, _

NUL = "\x00"
MESSAGE = N_("Caractère nul interdit.")
SURROGATE_MESSAGE = N_("Caractère invalide (demi-paire UTF-16 isolée).")
MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = N_("Le contenu JSON est imbriqué sur plus de %(depth)s niveaux.")
_SURROGATE = re.compile("[\ud800-\udfff]")


class TooDeeplyNested(ApiError):
    status, code = 400, "bad_request"


def _problem(text: str) -> str | None:
    if NUL in text:
        return MESSAGE
    if _SURROGATE.search(text):
        return SURROGATE_MESSAGE
    return None


def bad_strings(value) -> dict[str, list[str]]:
    """``{path: [message]}`` for every key or string in ``value`` holding a NUL or a lone surrogate.

    Walks with an explicit stack (never recursion) and refuses nesting past ``MAX_JSON_DEPTH``.
    """
    found: dict[str, list[str]] = {}
    stack = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            message = _problem(item)
            if message:
                found.setdefault(path or "_schema", [message])
            continue
        if depth >= MAX_JSON_DEPTH and isinstance(item, (dict, list)):
            raise TooDeeplyNested(_(TOO_DEEP_MESSAGE, depth=MAX_JSON_DEPTH))
        if isinstance(item, dict):
            for key, child in item.items():
                key_text = str(key)
                message = _problem(key_text)
                if message:
                    found.setdefault(path or "_schema", [message])
                    key_text = _SURROGATE.sub("\ufffd", key_text.replace(NUL, "\ufffd"))
                stack.append((child, f"{path}.{key_text}" if path else key_text, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{index}" if path else str(index), depth + 1)
                         for index, child in enumerate(item))
    return found


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # the parser itself gave up on the nesting
        raise TooDeeplyNested(_(TOO_DEEP_MESSAGE, depth=MAX_JSON_DEPTH)) from None


def install_input_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_untypable_input():
        fields: dict[str, list[str]] = {}
        for name, value in request.args.items(multi=True):
            message = _problem(name) or _problem(value)
            if message:
                fields[_SURROGATE.sub("\ufffd", name.replace(NUL, "\ufffd"))] = [message]
        if request.is_json and (request.content_length or 0) > 0:
            fields.update(bad_strings(_json_body()))
        if fields:
            raise ValidationFailed(fields=fields)
