"""Requests and answers of the editor, and the rules every request must pass before it is looked at.

The editor writes the coordinator's files, so a page of another site open in the same browser must not be
able to make it write: every POST carries the session's token (only the editor's own pages know it), comes
from the editor's own origin (Origin, else Referer), and names this server in Host (which also stops a DNS
rebinding attack, where another name is pointed at 127.0.0.1).
"""

from __future__ import annotations

import email.parser
import email.policy
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from ..attachments import MAX_BYTES as MAX_UPLOAD_BYTES  # one attachment; a form without a file is far smaller

MAX_FORM_BYTES = 2 * 1024 * 1024
_SLACK = 64 * 1024  # the multipart headers and the other fields around a file


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def arg(self, name: str) -> str:
        return (self.query.get(name) or [""])[0]


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def redirect(location: str) -> Response:
    """POST, then redirect, then GET: reloading the page never sends the form again."""
    return Response(303, b"", "text/plain; charset=utf-8", [("Location", location)])


def body_limit(content_type: str) -> int:
    return MAX_UPLOAD_BYTES + _SLACK if content_type.startswith("multipart/form-data") else MAX_FORM_BYTES


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Upload]]:
    """The fields (and files) of a posted form; anything else is an empty form."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True), {}
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = Upload(filename, data)
        else:
            fields.setdefault(name, []).append(data.decode("utf-8", "replace"))
    return fields, files


def own_hosts(port: int) -> set[str]:
    return {f"127.0.0.1:{port}", f"localhost:{port}"}


def refusal(request: Request, token: str, port: int) -> str | None:
    """Why a request may not be served (in Swedish), or None when it may."""
    host = request.headers.get("Host", "")
    if host not in own_hosts(port):
        return f"Editorn svarar bara på adressen http://127.0.0.1:{port}/redigera/ på den här datorn."
    if request.method != "POST":
        return None
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"http://{host}":
        return "Formuläret skickades från en annan webbplats än editorn. Ingenting sparades."
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        if f"{referer.scheme}://{referer.netloc}" != f"http://{host}":
            return "Det går inte att se att formuläret kom från editorn. Ingenting sparades."
    sent = (request.form.get("_token") or [""])[0]
    if not hmac.compare_digest(sent.encode(), token.encode()):
        return ("Formuläret är för gammalt (förhandsvisningen har startats om sedan det öppnades) eller kom inte från "
                "editorn. Ingenting sparades. Öppna sidan igen och försök en gång till.")
    return None


SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
                                "base-uri 'none'"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("X-Content-Type-Options", "nosniff"),
]
