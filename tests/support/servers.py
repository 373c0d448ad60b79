"""Real local servers for the alert tests: a Slack Web API stand-in, a webhook receiver, an SMTP server."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHANNEL_IDS = {
    "#lishui-gov": "C0LISHUIGOV",
    "#zhejiang-gov": "C0ZHEJIANGGOV",
    "#zhejiang-propaganda": "C0ZJPROPAG",
    "#liandu-environment": "C0LIANDUENV",
    "#press": "C0PRESSROOM",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeSlack:
    """Records every Web API call; `script` makes the next calls of a method answer 429, 500 or ok:false."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id: the bytes uploaded (files_upload_v2)
    script: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: int = 1_800_000_000

    def posts(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "chat.postMessage"]

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self.lock:
            self.calls.append(Call(method, params, {}))
            if self.script.get(method):
                return self.script[method].pop(0)
            if method == "chat.postMessage":
                channel = CHANNEL_IDS.get(params["channel"], params["channel"])
                self.clock += 1
                message = {
                    "ts": f"{self.clock}.000100",
                    "text": params.get("text"),
                    "blocks": params.get("blocks"),
                    "metadata": params.get("metadata"),
                    "thread_ts": params.get("thread_ts"),
                }
                self.messages.setdefault(channel, []).append(message)
                return 200, {"ok": True, "channel": channel, "ts": message["ts"], "message": message}, {}
            if method in ("conversations.history", "conversations.replies"):
                channel = params["channel"]
                found = [
                    m
                    for m in self.messages.get(channel, [])
                    if method == "conversations.history"
                    or m.get("thread_ts") == params.get("ts")
                    or m["ts"] == params.get("ts")
                ]
                return 200, {"ok": True, "messages": list(reversed(found)), "has_more": False}, {}
            if method == "files.getUploadURLExternal":
                self.clock += 1
                return (
                    200,
                    {"ok": True, "upload_url": f"{self.url}upload/F{self.clock}", "file_id": f"F{self.clock}"},
                    {},
                )
            if method.startswith("F"):  # the upload itself, to the URL given above
                self.uploads[method] = params.get("_body", b"")
                return 200, {"ok": True}, {}
            if method == "files.completeUploadExternal":
                files = json.loads(params["files"]) if isinstance(params["files"], str) else params["files"]
                return 200, {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}, {}
            if method == "conversations.list":
                channels = [{"id": cid, "name": name.lstrip("#")} for name, cid in CHANNEL_IDS.items()]
                return 200, {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}, {}
            return 200, {"ok": False, "error": "unknown_method"}, {}


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(handler.path).query))
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    if "/upload/" in handler.path:
        query["_body"] = body
    elif body and "json" in (handler.headers.get("Content-Type") or ""):
        query.update(json.loads(body))
    elif body:
        query.update(dict(urllib.parse.parse_qsl(body.decode())))
    return query


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    state = FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            method = urllib.parse.urlparse(self.path).path.rsplit("/", 1)[-1]
            status, body, headers = state.answer(method, _params(self))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    with _serving(Handler) as url:
        state.url = url + "/api/"
        yield state


@dataclass
class Receiver:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = state.statuses.pop(0) if state.statuses else 200
            data = json.dumps(state.reply).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    with _serving(Handler) as url:
        state.url = url + "/hook"
        yield state


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, so STARTTLS is tested for real."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Mailbox:
    port: int = 0
    messages: list[Any] = field(default_factory=list)


@contextmanager
def smtp_server(folder: Path) -> Iterator[tuple[Mailbox, Path]]:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS; yields the mailbox and the CA file that trusts it."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    cert, key = self_signed_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            mailbox.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    mailbox.port = free_port()
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=mailbox.port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        yield mailbox, cert
    finally:
        controller.stop()
