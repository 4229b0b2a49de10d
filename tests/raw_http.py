"""Bytes no HTTP client library would send (a NUL in the path, a control character in a header, a huge
header), to see what a server answers to them."""
from __future__ import annotations

import socket

import requests


def send_raw(base_url: str, request: bytes, timeout: float = 10) -> requests.Response:
    """Sends ``request`` as it is to ``base_url``'s host and port; the answer as a ``requests.Response``
    (status, headers, body; a chunked or gzipped body is left as it came)."""
    host, _, port = base_url.removeprefix("http://").partition("/")[0].partition(":")
    with socket.create_connection((host, int(port or 80)), timeout=timeout) as connection:
        connection.sendall(request)
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk
    return parse_response(raw)


def parse_response(raw: bytes) -> requests.Response:
    """An HTTP/1.1 answer as bytes -> ``requests.Response`` (status, headers, body as it came)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    response = requests.Response()
    response.status_code = int(status_line.split()[1])
    response.reason = status_line.partition(" ")[2].partition(" ")[2]
    response.headers.update(line.split(": ", 1) for line in header_lines)
    response._content = body
    return response
