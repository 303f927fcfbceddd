"""The preview answers only requests addressed to itself, and every odd request gets a short Swedish answer
(400, 403, 404, …), never a Python traceback; the server goes on answering afterwards."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator

import pytest
from conftest import TEMPLATES, ScratchProject

from sitegen.serve import Preview


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = tmp_path_factory.mktemp("preview")
    project = ScratchProject(root)
    project.write("files/program.pdf", b"%PDF-1.4\n%%EOF\n")
    server = Preview(project.content, root / "public", TEMPLATES, dt.date(2026, 3, 1), port=0)
    server.start()
    yield server
    server.stop()


def _port(preview: Preview) -> int:
    return int(preview.server.server_address[1])


def ask(preview: Preview, target: str, host: str | None = "", method: str = "GET", extra: str = "") -> tuple[int, bytes]:
    """Status and whole answer to one raw HTTP request; host "" means the preview's own 127.0.0.1:PORT."""
    host_line = "" if host is None else f"Host: {host or f'127.0.0.1:{_port(preview)}'}\r\n"
    raw = f"{method} {target} HTTP/1.1\r\n{host_line}{extra}Connection: close\r\n\r\n".encode("latin-1")
    data = b""
    with socket.create_connection(("127.0.0.1", _port(preview)), timeout=30) as connection:
        try:
            connection.sendall(raw)
            while chunk := connection.recv(65536):
                data += chunk
        except ConnectionResetError:  # the server may close before it has read an over-long request
            pass
    assert data.startswith(b"HTTP/1."), data[:200]
    return int(data.split(b" ", 2)[1]), data


ODD = {
    "a 300-character path segment": ("/" + "a" * 300 + "/", {404}),
    "a 300-character file name": ("/files/" + "b" * 300 + ".pdf", {404}),
    "a 300-character segment without a slash": ("/" + "c" * 300, {404}),
    "a 5000-character path": ("/" + "/".join(["d" * 250] * 20) + "/", {404}),
    "a NUL byte": ("/%00/", {400, 404}),
    "a NUL byte in a file name": ("/files/program%00.pdf", {400, 404}),
    "a NUL byte in a page name": ("/kalender%00.html", {400, 404}),
    "%-encoded junk": ("/%ff%fe%c0%af/", {400, 404}),
    "a lone surrogate": ("/%ed%a0%80.html", {400, 404}),
    "a lone %": ("/%/x", {400, 404}),
    "a path with ..": ("/../../../../etc/passwd", {404}),
    "a path with encoded ..": ("/%2e%2e/%2e%2e/%2e%2e/etc/passwd", {404}),
    "a page path with ..": ("/kalender/../../../etc/", {404}),
    "the site's mark": ("/.sitegen", {404}),
    "the site's mark, encoded": ("/%2esitegen", {404}),
    "a very long query": ("/?q=" + "x" * 20000, {200, 400, 404}),
    "a very long query on a file": ("/files/program.pdf?" + "y" * 20000, {200, 400, 404}),
    "an over-long request line": ("/" + "z" * 70000, {400, 414}),
    "the reload wait with a 5000-digit version": ("/__sitegen/wait?v=" + "9" * 5000, {200}),
    "the reload wait with a non-ASCII digit": ("/__sitegen/wait?v=%C2%B2", {200}),
    "an absolute URL to another host": ("http://evil.example/", {200, 403, 404}),
    "a target without a slash": ("*", {400, 404}),
}


@pytest.mark.parametrize(("target", "expected"), ODD.values(), ids=ODD.keys())
def test_an_odd_request_gets_a_short_answer_and_never_a_traceback(preview, capfd, target, expected):
    status, answer = ask(preview, target)
    assert status in expected, answer[:300]
    if status >= 400:
        assert 'lang="sv"' in answer.decode("utf-8", "replace") and b"Traceback" not in answer
    assert b"root:x:0:0" not in answer
    assert "Traceback" not in capfd.readouterr().err
    assert ask(preview, "/")[0] == 200  # and the preview goes on answering


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_get_a_swedish_answer(preview, capfd, method):
    status, answer = ask(preview, "/kalender/", method=method, extra="Content-Length: 0\r\n")
    assert status in {405, 501}
    assert "Förhandsvisningen tar inte emot" in answer.decode("utf-8")
    assert "Traceback" not in capfd.readouterr().err


FOREIGN_HOSTS = {
    "another site (DNS rebinding)": "evil.example:{port}",
    "another site without a port": "evil.example",
    "a name that starts like ours": "127.0.0.1.nip.io:{port}",
    "our name on another port": "127.0.0.1:1",
    "localhost on another port": "localhost:{port}1",
    "the machine's own name": socket.gethostname() + ":{port}",
    "an empty Host": "",
    "no Host at all": None,
    "our address with something after it": "127.0.0.1:{port}@evil.example",
}


@pytest.mark.parametrize("host", FOREIGN_HOSTS.values(), ids=FOREIGN_HOSTS.keys())
@pytest.mark.parametrize("target", ["/", "/kalender/", "/files/program.pdf", "/__sitegen/wait?v=0", "/redigera/"])
def test_a_request_for_another_host_is_refused(preview, capfd, host, target):
    given = None if host is None else (host.format(port=_port(preview)) or " ")
    status, answer = ask(preview, target, host=given)
    assert status == 403, answer[:300]
    assert "Förhandsvisningen svarar bara på adresser på den här datorn" in answer.decode("utf-8")
    assert b"Testplatsen" not in answer and b"%PDF" not in answer  # nothing of the site
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_preview_answers_its_own_addresses(preview, host):
    status, answer = ask(preview, "/", host=host.format(port=_port(preview)))
    assert status == 200 and b"Testplatsen" in answer
