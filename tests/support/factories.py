"""Rows the responder tests start from: posts as the crawler stores them, labels as the classifier writes them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path

from sqlalchemy.orm import Session

from support.config import edit_config
from yuqing.storage.models import Label, Post, Source
from yuqing.vocabulary import priority_of

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 18, 8, 0, tzinfo=SHANGHAI)


def keep_test_labels(config_dir: Path) -> None:
    """Turn the service's classify job off, so `run --once` keeps the labels a test wrote instead of the model's."""
    edit_config(config_dir, "service.yaml", {"jobs": {"classify": {"enabled": False}}})


def add_source(session: Session, name: str, media: str) -> Source:
    source = Source(name=name, type="rss", media=media)
    session.add(source)
    session.flush()
    return source


def add_post(
    session: Session,
    text: str,
    *,
    category: str,
    title: str = "",
    media: str = "weibo",
    published_at: datetime | None = T0,
    fetched_at: datetime | None = None,
    source: Source | None = None,
    duplicate_of: Post | None = None,
    reposts: int = 0,
    comments: int = 0,
    severity: str | None = None,
    handling: str | None = None,
    domains: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    confidence: float = 0.9,
    author: str | None = None,
    deaths: int | None = None,
) -> Post:
    post = Post(
        title=title,
        raw_text=text,
        text=text,
        text_simplified=text,
        media=media,
        author=author,
        published_at=published_at,
        fetched_at=fetched_at or (published_at or T0) + timedelta(minutes=5),
        content_hash=sha256(f"{title}{text}".encode()).hexdigest(),
        source_id=source.id if source else None,
        duplicate_of_id=duplicate_of.id if duplicate_of else None,
        reposts=reposts,
        comments=comments,
    )
    session.add(post)
    session.flush()
    session.add(
        Label(
            post_id=post.id,
            model_version="test",
            category=category,
            priority=priority_of(category, severity),
            severity=severity,
            handling=handling,
            domains=list(domains),
            regions=list(regions),
            deaths=deaths,
            injuries=None,
            confidence=confidence,
        )
    )
    session.flush()
    return post


def add_complaint(session: Session, domains: tuple[str, ...] = ("environment",)) -> Post:
    """A `high` complaint about 莲都区 carried by a news source: it opens a case with a 48 h clock."""
    return add_post(
        session,
        "莲都区某小区旁的垃圾中转站臭气熏天，投诉半年没人管",
        category="public_interest",
        handling="major_issue",
        media="news",
        regions=("331102",),
        domains=domains,
    )


def run_together(work: Callable[[], None], copies: int = 2) -> list[Exception]:
    """Run `work` in several threads released at the same moment; returns what they raised."""
    start, errors = threading.Barrier(copies), []

    def guarded() -> None:
        try:
            start.wait(timeout=10)
            work()
        except Exception as error:  # handed back to the test
            errors.append(error)

    threads = [threading.Thread(target=guarded) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


EXPLOSION = (
    "11月18日8时许，浙江省丽水市莲都区南明山街道一化工企业车间发生爆炸，截至目前已造成3人死亡、8人受伤，"
    "事故原因正在调查中。"
)
EXPLOSION_WEIBO = (
    "#莲都化工厂爆炸# 南明山那边刚才巨响，整栋楼都在抖，化工厂车间冒大黑烟，救护车一辆接一辆往那边开😭 希望工人们平安"
)
EXPLOSION_UPDATE = (
    "记者从丽水市应急管理局获悉，莲都区南明山街道化工企业爆炸事故死亡人数已升至12人，另有20余人受伤，"
    "省应急管理厅已派工作组赶赴现场。"
)
WATER_CUT = "龙泉市剑池街道某小区自15日起停水，至今已三天，居民只能到外面拎水，物业称管网维修，何时恢复供水没有准话。"
NAYONG = "11月18日，贵州省毕节市纳雍县一化工厂发生爆炸，造成2人受伤，目前伤者已送医救治。"


def add_critical_explosion(session: Session, published_at: datetime | None = T0) -> Post:
    """A wire report that the explosion in 莲都区 has killed twelve: a `critical` (II) emergency."""
    return add_post(
        session,
        EXPLOSION_UPDATE,
        title="莲都化工企业爆炸死亡升至12人",
        media="news",
        severity="II",
        handling="unclear",
        category="emergency",
        domains=("emergency_management",),
        regions=("331102",),
        published_at=published_at,
    )
