"""The storage pipeline's writer on the real database: what one crawler process links to another's posts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from support.factories import add_source

from crawler.pipelines import PostWriter
from crawler.records import CollectedPost
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Post

STORY = (
    "丽水市莲都区昨日发生一起交通事故，造成两人受伤，事故原因正在调查中。当地交警部门已经介入处理，"
    "请广大市民注意出行安全，遵守交通规则，文明驾驶，礼让行人。"
)


def collected(url: str, text: str) -> CollectedPost:
    return CollectedPost(source="news", url=url, title="莲都区交通事故", raw_text=text)


def test_a_near_copy_links_to_the_original_another_process_stored_during_the_run(engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        source_id = add_source(session, "news", "news").id
    ids, media = {"news": source_id}, {"news": "news"}
    first, second = PostWriter(factory, ids, media), PostWriter(factory, ids, media)  # two processes, one start
    [original] = first.write([collected("https://a.example/1.html", STORY)])
    [copy] = second.write([collected("https://b.example/9.html", "【转载】" + STORY.replace("文明驾驶，", ""))])
    assert copy.duplicate_of_id == original.id
    with factory() as session:
        assert session.scalar(select(Post.spread).where(Post.id == original.id)) == 2
    [again] = first.write([collected("https://c.example/3.html", STORY.replace("礼让行人", "礼让行人！"))])
    assert again.duplicate_of_id == original.id  # the first writer's own post is not indexed twice


def test_the_earliest_published_copy_becomes_the_original_whatever_the_order_found(engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        source_id = add_source(session, "news", "news").id
    writer = PostWriter(factory, {"news": source_id}, {"news": "news"})
    morning, evening = datetime(2026, 11, 18, 8, 0, tzinfo=UTC), datetime(2026, 11, 18, 20, 0, tzinfo=UTC)

    def published(url: str, text: str, at: datetime) -> CollectedPost:
        return CollectedPost(source="news", url=url, title="莲都区交通事故", raw_text=text, published_at=at)

    [repost] = writer.write([published("https://b.example/9.html", "【转载】" + STORY, evening)])
    [later] = writer.write([published("https://c.example/4.html", STORY + "（来源：丽水日报）", evening)])
    [first] = writer.write([published("https://a.example/1.html", STORY, morning)])  # found last, published first
    with factory() as session:
        links = dict(session.execute(select(Post.id, Post.duplicate_of_id)).all())
        spread = dict(session.execute(select(Post.id, Post.spread)).all())
    assert links == {repost.id: first.id, later.id: first.id, first.id: None}
    assert spread[first.id] == 3 and spread[repost.id] == 1
    [next_copy] = writer.write([published("https://d.example/5.html", STORY + "。", evening)])
    assert next_copy.duplicate_of_id == first.id
