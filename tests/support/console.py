"""The console under test: two cases of two departments, accounts for every role, a signed-in client, and the
real app served by uvicorn on 127.0.0.1 at a free port (in a thread) for a real browser."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from responder.cases import Responder
from responder.runner import group_and_open
from support.factories import add_complaint, add_critical_explosion
from yuqing.records import Body
from yuqing.settings import Settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case
from yuqing.users import add_user

PASSWORD = "a long passphrase"
EMERGENCY_BODY = Body(adcode="330000", domain="emergency_management")  # leads the explosion (rule 10: province)
ENVIRONMENT_BODY = Body(adcode="331102", domain="environment")  # leads the complaint


@dataclass
class Seeded:
    explosion: int  # case numbers
    complaint: int


def seed_cases(engine: Engine, settings: Settings, now: datetime) -> Seeded:
    """A critical explosion published an hour ago (release due in four hours: on time) and a complaint published
    30 hours ago (48 h clock 62 % gone: a warning), each opened by the responder as the service would."""
    with transaction(session_factory(engine)) as session:
        add_critical_explosion(session, now - timedelta(hours=1))
        complaint = add_complaint(session)
        complaint.published_at = complaint.fetched_at = now - timedelta(hours=30)
    group_and_open(session_factory(engine), Responder(settings), lambda: now)
    with session_factory(engine)() as session:
        opened = {case.category: case.id for case in session.scalars(select(Case))}
    return Seeded(explosion=opened["emergency"], complaint=opened["public_interest"])


def add_accounts(engine: Engine) -> None:
    """duty, admin, and one department account for each case's lead."""
    with transaction(session_factory(engine)) as session:
        add_user(session, "test", "duty", "duty", PASSWORD, display_name="值班员")
        add_user(session, "test", "admin", "admin", PASSWORD)
        add_user(session, "test", "emergency", "department", PASSWORD, [EMERGENCY_BODY])
        add_user(session, "test", "environment", "department", PASSWORD, [ENVIRONMENT_BODY])


def login_form_token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    token = login_form_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, as the board's sign-out form carries it."""
    return login_form_token(client, "/")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app: FastAPI, timeout: float = 15) -> Iterator[str]:
    """The app's base URL while it is served; stopped and joined on the way out."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"uvicorn did not start on port {port} within {timeout} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
