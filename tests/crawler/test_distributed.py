"""Two crawler processes against the local Redis share one frontier and one seen-set."""

from __future__ import annotations

import json
import uuid

import pytest
import redis
import yaml
from support.site import GATE_SECONDS
from support.sources import FAST, gov_html

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix():
    """A key prefix of this test's own; only its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"the tests need Redis at {REDIS_URL} (.ci/run starts it): {error}")
    name = f"yuqing-test:{uuid.uuid4().hex}"
    yield name
    keys = list(client.scan_iter(f"{name}:*", count=100))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_processes_fetch_each_article_once_between_them(cli, engine, site, prefix, tmp_path) -> None:
    # One process holds at most two article requests open at once, so the site answers none until a third is
    # open: it can only come from the other process, and neither can finish the frontier before the other starts.
    site.gov_pages, site.per_page, site.detail_gate = 1, 24, 3
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [gov_html(f"{site.url}/gov/list.html")]}), encoding="utf-8")
    settings = {
        **FAST,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_TIMEOUT": GATE_SECONDS + 10,
        "YUQING_IDLE_GRACE": 5,
    }
    cli.env.update(YUQING_REDIS_PREFIX=prefix, YUQING_SCRAPY_SETTINGS=json.dumps(settings))
    outs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    processes = [cli.start("crawl", "--sources", str(path), "--distributed", "--out", str(out)) for out in outs]
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    urls = [[json.loads(line)["url"] for line in out.read_text().splitlines()] for out in outs]
    assert all(site.hits[f"/gov/art/{n}.html"] == 1 for n in range(1, 25))  # one seen-set
    assert sorted(urls[0] + urls[1]) == sorted(f"{site.url}/gov/art/{n}.html" for n in range(1, 25))
    assert not site.gate_timed_out, "the two processes were never fetching at the same time"
    assert urls[0] and urls[1]  # one frontier: both processes took articles from it
