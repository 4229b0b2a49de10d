"""Refuses NUL characters (U+0000) in query strings and JSON bodies with a 422.

PostgreSQL text cannot hold NUL: without this guard such input would reach the database and fail
there as a 500. No person types a NUL; it is always bad input.
"""
from __future__ import annotations

from flask import Flask, request

from chassis.errors import ValidationFailed

NUL = "\x00"
MESSAGE = "Caractère nul interdit. / The NUL character is not allowed."


def _nul_paths(value, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "_schema"] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            key_text = str(key)
            if NUL in key_text:
                found.append(path or "_schema")
            found.extend(_nul_paths(item, f"{path}.{key_text}" if path else key_text))
        return found
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _nul_paths(item, f"{path}.{index}" if path
                                                                                      else str(index))]
    return []


def install_input_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_nul():
        fields = {name: [MESSAGE] for name, value in request.args.items(multi=True) if NUL in value or NUL in name}
        if request.is_json and (request.content_length or 0) > 0:
            body = request.get_json(silent=True)
            fields.update({path: [MESSAGE] for path in _nul_paths(body)})
        if fields:
            raise ValidationFailed(fields=fields)
