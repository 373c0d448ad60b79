import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from support.config import edit_config

from yuqing.settings import PROJECT_ROOT
from yuqing.storage.database import downgrade, session_factory, transaction
from yuqing.storage.models import JobRun, utcnow


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


@contextmanager
def running(cli, config_dir: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`yuqing run` in the background on a free port; yields the base URL and the process (stopped after)."""
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
    try:
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def service(cli, config_dir: Path, engine, tmp_path: Path):
    with running(cli, config_dir, tmp_path) as (base, _):
        yield base


def test_run_once_runs_every_job_and_records_it(cli, engine, tmp_path: Path) -> None:
    bundle_samples(tmp_path / "data")
    result = cli("run", "--once")
    assert result.returncode == 0, result.stderr
    with session_factory(engine)() as session:
        runs = session.scalars(select(JobRun)).all()
    expected = {"crawl", "classify", "respond", "timers", "dispatch", "briefing"} | (
        {"maintenance"} if engine.dialect.name == "sqlite" else set()
    )
    assert {run.job for run in runs} == expected
    assert all(run.status == "ok" and run.finished_at for run in runs)


def test_run_logs_one_line_per_job_in_the_service_zone_and_as_json_on_request(cli, engine, tmp_path: Path) -> None:
    bundle_samples(tmp_path / "data")
    text = cli("run", "--once")
    job_lines = [line for line in text.stderr.splitlines() if " INFO yuqing.jobs: job " in line]
    assert len(job_lines) == len({line.split(" job ")[1].split()[0] for line in job_lines}) >= 5
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 INFO ", line) for line in job_lines)
    as_json = cli("run", "--once", "--log-json")
    lines = [json.loads(line) for line in as_json.stderr.splitlines() if line.startswith("{")]
    jobs = [line for line in lines if line["logger"] == "yuqing.jobs"]
    assert {line["message"].split()[1] for line in jobs} >= {"crawl", "classify", "respond", "timers", "dispatch"}
    assert all(line["time"].endswith("+08:00") and line["level"] == "INFO" for line in jobs)


def test_a_second_instance_on_the_same_database_exits_before_doing_any_work(
    cli, config_dir: Path, engine, tmp_path: Path
) -> None:
    with running(cli, config_dir, tmp_path) as (_, first):
        second = cli("run", "--once")
        assert second.returncode == 1
        assert "another yuqing instance" in second.stderr and "runs the jobs on" in second.stderr
        also = cli("run")
        assert also.returncode == 1 and "Yuqing is running" not in also.stdout
        assert first.poll() is None  # the leader goes on
    # the leader gone (it was stopped above), the next instance leads
    assert cli("run", "--once").returncode == 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_end_the_service_cleanly_with_exit_0(cli, config_dir: Path, engine, tmp_path, stop) -> None:
    with running(cli, config_dir, tmp_path) as (_, process):
        time.sleep(2)  # the first jobs are under way
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        output = process.stdout.read()
    assert "yuqing.service: stopped" in output and "Traceback" not in output


def test_runs_a_killed_instance_left_running_are_closed_when_the_next_one_starts(cli, engine, tmp_path: Path) -> None:
    with transaction(session_factory(engine)) as session:
        session.add(JobRun(job="respond", started_at=utcnow(), status="running"))
    bundle_samples(tmp_path / "data")
    assert cli("run", "--once").returncode == 0
    with session_factory(engine)() as session:
        stale = session.scalars(select(JobRun).where(JobRun.job == "respond").order_by(JobRun.id)).first()
    assert (stale.status, stale.detail) == ("interrupted", "the service stopped during this run")
    assert stale.finished_at is not None


def test_the_crawl_child_dies_with_its_parent_even_on_kill_9(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            "from crawler.jobs import die_with_parent\n"
            "child = subprocess.Popen(['sleep', '300'], preexec_fn=die_with_parent)\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(300)\n",
        ]
    )
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
        if Path(f"/proc/{child}/stat").exists() and Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break  # dead, not yet reaped by init
    alive = Path(f"/proc/{child}/stat").exists() and Path(f"/proc/{child}/stat").read_text().split()[2] != "Z"
    assert not alive


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
    assert body["duty_channel"] == ["slack:#lishui-duty"] and body["bodies_without_channel"] == []


def test_a_body_without_an_alert_channel_is_named_at_start_up_and_on_healthz(cli, config_dir, engine, tmp_path) -> None:
    def silence_police(organisations: dict) -> None:
        (police,) = [b for b in organisations["bodies"] if b["name"] == "丽水市公安局"]
        del police["channels"]

    edit_config(config_dir, "organisations.yaml", silence_police)
    cli.env["PYTHONUNBUFFERED"] = "1"  # the banner reaches the pipe before the process is stopped
    with running(cli, config_dir, tmp_path) as (base, process):
        status, body = get_json(base + "/healthz")
    banner = process.stdout.read()
    assert status == 200 and body["bodies_without_channel"] == ["丽水市公安局"]
    assert "  duty:     slack:#lishui-duty, told of every case in 丽水市" in banner
    assert "  without an alert channel (heard through the duty channel): 丽水市公安局" in banner


def test_healthz_answers_503_when_the_schema_falls_behind(service: str, engine) -> None:
    downgrade(engine, "base")
    status, body = get_json(service + "/healthz")
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["database"]["up_to_date"] is False
