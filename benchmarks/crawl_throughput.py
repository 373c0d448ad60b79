"""Pages per second through the full crawler (decode, extract, normalise, dedupe, batched storage) next to
plain Scrapy fetching the same pages with no pipeline, against the local fixture site, in one run.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 2000] [--repeat 3]

Each side runs in its own process (Twisted's reactor starts once per process) with the same Scrapy settings:
no throttling, 16 requests at a time to the one local host. A side's time runs from the site's first request
to the end of its process: everything the pipeline does (the last batch stored, the run recorded) is in it,
interpreter start-up and imports are not (they are printed too: the full pipeline imports SQLAlchemy, pydantic
and numpy, about 1.5 s more than Scrapy alone, once per run however many pages it fetches). The two sides
alternate `--repeat` times (the machine is shared and noisy); the median ratio is the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.site import Site, serve  # noqa: E402

SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR",
}
PER_PAGE = 50

PLAIN = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

class Plain(scrapy.Spider):
    name = "plain"
    start_urls = [sys.argv[1]]

    def parse(self, response):
        for href in response.css("ul.list a::attr(href)").getall():
            yield response.follow(href, callback=self.article)
        following = response.css("a.next::attr(href)").get()
        if following:
            yield response.follow(following)

    def article(self, response):
        pass

process = CrawlerProcess({**json.loads(sys.argv[2]), "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
process.crawl(Plain)
process.start()
"""


def timed(command: list[str], env: dict[str, str], site: Site) -> tuple[float, float]:
    """(seconds from the site's first request to the process's end, seconds of start-up before that request)."""
    site.first_hit_at = None
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    ended = time.perf_counter()
    if done.returncode != 0 or site.first_hit_at is None:
        raise SystemExit(f"{command[:3]} failed:\n{done.stdout}\n{done.stderr}")
    return ended - site.first_hit_at, site.first_hit_at - started


def one_round(articles: int) -> tuple[float, float]:
    """(plain pages/s, full pipeline pages/s), each side against a fresh fixture site and database."""
    lists = -(-articles // PER_PAGE)
    site = Site(gov_pages=lists, per_page=PER_PAGE)
    with serve(site), tempfile.TemporaryDirectory() as folder:
        url = f"{site.url}/gov/list.html"
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUQING_")}
        plain_seconds, plain_start = timed([sys.executable, "-c", PLAIN, url, json.dumps(SETTINGS)], env, site)
        plain_pages = sum(site.hits.values()) - site.hits["/robots.txt"]
        site.hits.clear()

        sources = Path(folder) / "sources.yaml"
        source = {
            "name": "bench",
            "type": "html",
            "urls": [url],
            "interval": "1m",
            "media": "gov",
            "max_pages": lists,
            "list": {"links": "ul.list a", "next": "a.next::attr(href)"},
            "detail": {"text": "div.content"},
        }
        sources.write_text(json.dumps({"sources": [source]}), encoding="utf-8")
        env.update(
            YUQING_DATABASE_URL=f"sqlite:///{folder}/bench.db",
            YUQING_DATA=folder,
            YUQING_SCRAPY_SETTINGS=json.dumps(SETTINGS),
        )
        yuqing = str(Path(sys.executable).with_name("yuqing"))
        subprocess.run([yuqing, "db", "upgrade"], env=env, capture_output=True, check=True, timeout=120)
        full_seconds, full_start = timed([yuqing, "crawl", "--sources", str(sources)], env, site)
        full_pages = sum(site.hits.values()) - site.hits["/robots.txt"]
    for side, pages, seconds, start in (
        ("plain Scrapy: ", plain_pages, plain_seconds, plain_start),
        ("full pipeline:", full_pages, full_seconds, full_start),
    ):
        print(f"{side} {pages} pages in {seconds:.2f} s = {pages / seconds:.0f} pages/s (start-up {start:.2f} s)")
    return plain_pages / plain_seconds, full_pages / full_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ratios = []
    for _ in range(args.repeat):
        plain_rate, full_rate = one_round(args.articles)
        ratios.append(full_rate / plain_rate)
        print(f"ratio: {ratios[-1]:.2f}")
    middle = statistics.median(ratios)
    print(f"median ratio of {args.repeat}: {middle:.2f} (the pipeline costs {1 - middle:.0%})")


if __name__ == "__main__":
    main()
