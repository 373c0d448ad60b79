"""Word search in posts that works for Chinese on both databases: an index of character bigrams.

Chinese has no spaces, so a word index needs either a segmenter inside the database (zhparser, not in a stock
PostgreSQL; none for SQLite) or n-grams of characters. Trigrams (PostgreSQL's pg_trgm, SQLite's FTS5 `trigram`
tokenizer) serve no query under three characters, and most Chinese words people search for have two (停水,
爆炸, 塌方). So both databases index every pair of adjacent characters of a post's title and simplified text
(`bigrams`), and a search asks for the posts holding every pair of every word, then checks the words themselves
with LIKE (a post holding 停水 and 水管 holds the pairs of 停水管 without the word):

- PostgreSQL: a GIN index on the expression `yuqing_bigrams(title || ' ' || text_simplified)` (an immutable SQL
  function returning the pairs as `text[]`), queried with `@>`; the database keeps it up to date itself.
- SQLite: an FTS5 table `post_bigrams` (the pairs as tokens, rowid = the post's id) kept up to date by triggers
  on `posts`, which call `yuqing_bigrams` — a function every connection made by `make_engine` registers.

Both are created by migration 0008. A one-character word has no pair and is matched by LIKE alone. A later
SQLite migration that rebuilds `posts` (batch mode) must create the triggers again.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import Text, and_, cast, literal_column, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.elements import ColumnElement

from yuqing.storage.models import Post
from yuqing.text import simplified

SEPARATORS = " \t\n\r"  # never inside a pair: the same four characters the PostgreSQL function leaves out
SEARCHED = literal_column("posts.title || ' ' || posts.text_simplified")  # exactly the indexed expression


MIGRATION_INDEXES = ("ix_posts_bigrams", "ix_posts_newest")  # PostgreSQL's, made by migration 0008


def models_only(_object, name, type_, _reflected, _compare_to) -> bool:  # type: ignore[no-untyped-def]
    """For Alembic's comparison of the database with the models: the word index (PostgreSQL's expression index,
    SQLite's `post_bigrams` and the tables FTS5 keeps for it) and PostgreSQL's newest-first index of posts are
    the migration's, not the models' (neither can be said in a model)."""
    if type_ == "table":
        return not name.startswith("post_bigrams")
    return not (type_ == "index" and name in MIGRATION_INDEXES)


def bigrams(text_: str) -> list[str]:
    """The distinct pairs of adjacent characters, in order, none holding a separator."""
    pairs = (text_[i : i + 2] for i in range(len(text_) - 1))
    return list(dict.fromkeys(p for p in pairs if p[0] not in SEPARATORS and p[1] not in SEPARATORS))


def register_sqlite_functions(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """`yuqing_bigrams(text)` for the triggers that keep SQLite's index up to date: the pairs, space-separated."""
    dbapi_connection.create_function(
        "yuqing_bigrams", 1, lambda value: " ".join(bigrams(value or "")), deterministic=True
    )


def _like(word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return SEARCHED.like(f"%{escaped}%", escape="\\")


def containing(dialect: str, words: list[str]) -> ColumnElement[bool]:
    """Posts whose title or simplified text contains every word (NFKC-folded and simplified, as the crawler
    stores the text), through the index."""
    words = [simplified(unicodedata.normalize("NFKC", word)) for word in words if word.strip()]
    pairs = list(dict.fromkeys(pair for word in words for pair in bigrams(word)))
    clauses = [_like(word) for word in words]
    if pairs and dialect == "postgresql":
        indexed = literal_column("yuqing_bigrams(posts.title || ' ' || posts.text_simplified)", ARRAY(Text))
        clauses.insert(0, indexed.contains(cast(array(pairs), ARRAY(Text))))
    elif pairs and dialect == "sqlite":
        query = " ".join('"' + pair.replace('"', '""') + '"' for pair in pairs)
        matching = text("SELECT rowid FROM post_bigrams WHERE post_bigrams MATCH :pairs").bindparams(pairs=query)
        clauses.insert(0, Post.id.in_(matching))
    return and_(*clauses)
