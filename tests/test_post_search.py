"""Word search in posts through the bigram index (yuqing/storage/search.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from support.factories import add_post

from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Post
from yuqing.storage.search import bigrams, containing


@pytest.fixture
def posts(engine) -> dict[str, int]:
    with transaction(session_factory(engine)) as session:
        made = {
            "water": add_post(
                session, "剑池街道某小区停水三天，居民只能拎水", title="龙泉小区停水", category="public_interest"
            ),
            "pipe": add_post(session, "小区停电，水管也爆了", category="public_interest"),
            "blast": add_post(session, "化工厂车间发生爆炸，3人受伤", title="莲都爆炸事故", category="emergency"),
            "odd": add_post(session, "优惠100%_返现活动", category="other"),
        }
        return {name: post.id for name, post in made.items()}


def found(engine, *words: str) -> set[int]:
    with session_factory(engine)() as session:
        dialect = session.get_bind().dialect.name
        return set(session.scalars(select(Post.id).where(containing(dialect, list(words)))))


def test_a_two_character_word_is_found_in_the_text_or_the_title(engine, posts) -> None:
    assert found(engine, "停水") == {posts["water"]}
    assert found(engine, "莲都") == {posts["blast"]}  # in the title only
    assert found(engine, "爆炸") == {posts["blast"]}


def test_every_word_must_be_there_and_the_word_itself_not_just_its_pairs(engine, posts) -> None:
    assert found(engine, "停水", "拎水") == {posts["water"]}
    assert found(engine, "停水", "爆炸") == set()
    assert found(engine, "停水管") == set()  # 停水 and 水管 are both in the second post's pairs, not the word


def test_a_traditional_word_finds_the_simplified_text_and_one_character_works_without_pairs(engine, posts) -> None:
    assert found(engine, "龍泉") == {posts["water"]}
    assert found(engine, "車間") == {posts["blast"]}
    assert found(engine, "炸") == {posts["blast"]}


def test_like_wildcards_in_a_word_are_taken_literally(engine, posts) -> None:
    assert found(engine, "100%_") == {posts["odd"]}
    assert found(engine, "%") == {posts["odd"]}
    assert found(engine, "_") == {posts["odd"]}


def test_the_index_follows_edited_and_deleted_posts(engine, posts) -> None:
    with transaction(session_factory(engine)) as session:
        session.get_one(Post, posts["pipe"]).text_simplified = "隧道塌方，交通中断"
    assert found(engine, "塌方") == {posts["pipe"]}
    with transaction(session_factory(engine)) as session:
        session.execute(delete(Post).where(Post.id == posts["water"]))
    assert found(engine, "停水") == set()


def test_pairs_leave_out_spaces_and_line_breaks() -> None:
    assert bigrams("停水 三天\n了") == ["停水", "三天"]
    assert bigrams("水") == []
