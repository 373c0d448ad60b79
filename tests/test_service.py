import json
import shutil
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select
from support.config import edit_config

from yuqing.settings import PROJECT_ROOT
from yuqing.storage.database import downgrade, session_factory
from yuqing.storage.models import JobRun


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def bundle_samples(data_dir: Path) -> None:
    """The crawl job reads the bundled samples from the data folder, as `make run` does."""
    shutil.copytree(PROJECT_ROOT / "data" / "samples", data_dir / "samples")


@pytest.fixture
def service(cli, config_dir: Path, engine, tmp_path: Path):
    """`yuqing run` in the background on a free port; yields the base URL."""
    bundle_samples(tmp_path / "data")
    port = free_port()
    edit_config(config_dir, "service.yaml", {"web": {"port": port}})
    process = cli.start("run")
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):  # up to 10 s for the server to listen
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("the service exited: " + process.stdout.read())
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_run_once_runs_every_job_and_records_it(cli, engine, tmp_path: Path) -> None:
    bundle_samples(tmp_path / "data")
    result = cli("run", "--once")
    assert result.returncode == 0, result.stderr
    with session_factory(engine)() as session:
        runs = session.scalars(select(JobRun)).all()
    expected = {"crawl", "classify", "respond", "timers", "dispatch"} | (
        {"maintenance"} if engine.dialect.name == "sqlite" else set()
    )
    assert {run.job for run in runs} == expected
    assert all(run.status == "ok" and run.finished_at for run in runs)


def test_healthz_reports_database_and_each_jobs_last_run(service: str, engine) -> None:
    deadline = time.monotonic() + 60  # the first runs include loading the classifier
    status, body = get_json(service + "/healthz")
    while not all(job["last_run"] and job["last_run"]["finished_at"] for job in body["jobs"]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
        status, body = get_json(service + "/healthz")
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["up_to_date"] is True
    assert body["database"]["backend"] == engine.dialect.name
    jobs = {job["name"]: job for job in body["jobs"]}
    assert jobs["timers"]["every_seconds"] == 60
    failed = {name: job["last_run"] for name, job in jobs.items() if job["last_run"]["status"] != "ok"}
    assert not failed
    # the crawl job read the bundled samples: each source's health is there for the operators
    sources = {source["name"]: source for source in body["sources"]}
    assert set(sources) == {"lishui-gov-rss", "lishui-gov-news", "weibo-lishui"}
    news = sources["lishui-gov-news"]
    assert news["status"] == "ok" and news["consecutive_failures"] == 0 and news["last_error_kind"] is None
    assert news["last_items"] == 4 and news["last_success_at"] == news["last_run_at"]


def test_healthz_answers_503_when_the_schema_falls_behind(service: str, engine) -> None:
    downgrade(engine, "base")
    status, body = get_json(service + "/healthz")
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["database"]["up_to_date"] is False
