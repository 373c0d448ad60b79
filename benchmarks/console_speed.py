"""How fast the console answers on a full database: the board and filtered post searches, through the real app.

    .venv/bin/python benchmarks/console_seed.py DATABASE_URL        # once: 200,000 posts, 5,000 open cases
    .venv/bin/python benchmarks/console_speed.py DATABASE_URL [--rounds 7]

Each request goes through the whole app (FastAPI's TestClient: routing, the session lookup, the query, the
template), signed in as a duty officer (every case) or as a department (one county's environment bodies); the
median and the slowest of `--rounds` are printed per request, after one warm-up request each. The target is
300 ms per request.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from monitor.web import create_app
from yuqing.settings import load_settings
from yuqing.storage.database import make_engine, session_factory, transaction
from yuqing.storage.models import User
from yuqing.users import add_user, parse_body

PASSWORD = "benchmark passphrase"
ACCOUNTS = {"bench-duty": ("duty", []), "bench-department": ("department", ["331102:environment"])}


def accounts(engine, settings) -> None:
    with transaction(session_factory(engine)) as session:
        for username, (role, bodies) in ACCOUNTS.items():
            if session.scalar(select(User).where(User.username == username)) is None:
                parsed = [parse_body(body, settings.organisations.domains) for body in bodies]
                add_user(session, "benchmark", username, role, PASSWORD, parsed)


def signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    token = client.post("/api/session", json={"username": username, "password": PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def timed(client: TestClient, path: str, params: dict[str, str], rounds: int) -> tuple[float, float, int]:
    response = client.get(path, params=params)
    response.raise_for_status()
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path, params=params)
        seconds.append(time.perf_counter() - started)
        response.raise_for_status()
    return statistics.median(seconds), max(seconds), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    settings = load_settings()
    engine = make_engine(arguments.database_url)
    accounts(engine, settings)
    app = create_app(settings, engine, [])
    duty, department = signed_in(app, "bench-duty"), signed_in(app, "bench-department")
    month_ago = (datetime.now(UTC) - timedelta(days=30)).astimezone(settings.timezone).date().isoformat()
    requests = [
        ("board, duty (every open case)", duty, "/", {}),
        ("board rows, duty, filtered to emergencies", duty, "/board/rows", {"category": "emergency"}),
        ("board, department", department, "/", {}),
        ("API board, duty", duty, "/api/cases", {}),
        ("posts, no filter", duty, "/posts", {}),
        ("posts, one word", duty, "/posts", {"q": "停水"}),
        (
            "posts, word + category + region + dates",
            duty,
            "/posts",
            {"q": "停水", "category": "public_interest", "region": "331102", "start": month_ago},
        ),
        ("posts, a word no post has", duty, "/posts", {"q": "无此词语"}),
        ("posts, page 20 of a category", duty, "/posts", {"category": "emergency", "page": "20"}),
    ]
    print(f"{engine.dialect.name}: median / slowest of {arguments.rounds} (target 300 ms)")
    for name, client, path, params in requests:
        median, slowest, size = timed(client, path, params, arguments.rounds)
        print(f"  {name:45} {median * 1000:7.0f} ms  {slowest * 1000:7.0f} ms  ({size // 1024} KB)")


if __name__ == "__main__":
    main()
