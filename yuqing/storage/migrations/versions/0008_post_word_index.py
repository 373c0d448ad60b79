"""posts: an index of character bigrams for word search in Chinese (see yuqing/storage/search.py for why)

- PostgreSQL: the immutable function `yuqing_bigrams(text) → text[]` and a GIN index on
  `yuqing_bigrams(title || ' ' || text_simplified)`; and an index on `(published_at DESC NULLS LAST, id DESC)`,
  the order the console lists posts in (the ascending index cannot give it; SQLite's default order already is).
- SQLite: the FTS5 table `post_bigrams` (rowid = posts.id) filled from the posts there are, and triggers that keep
  it up to date; they call `yuqing_bigrams`, which `make_engine` registers on every connection.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = "title || ' ' || text_simplified"
POSTGRESQL_FUNCTION = r"""
CREATE OR REPLACE FUNCTION yuqing_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT pair), '{}')
  FROM (SELECT substr(t, i, 2) AS pair FROM generate_series(1, char_length(t) - 1) AS i) AS pairs
  WHERE pair !~ '[ \t\n\r]'
$$
"""


def _sqlite_searched(row: str) -> str:
    return f"{row}.title || ' ' || {row}.text_simplified"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(f"CREATE INDEX ix_posts_bigrams ON posts USING gin (yuqing_bigrams({SEARCHED}))")
        op.execute("CREATE INDEX ix_posts_newest ON posts (published_at DESC NULLS LAST, id DESC)")
        return
    # Contentless: the pairs are indexed, not stored again (200,000 posts: 100 MB of index instead of 300 MB);
    # so a post's old pairs are removed with FTS5's 'delete' command, computed again from the old row.
    op.execute("CREATE VIRTUAL TABLE post_bigrams USING fts5(bigrams, content = '', tokenize = 'unicode61')")
    op.execute(f"INSERT INTO post_bigrams(rowid, bigrams) SELECT id, yuqing_bigrams({SEARCHED}) FROM posts")
    op.execute(
        "CREATE TRIGGER posts_bigrams_insert AFTER INSERT ON posts BEGIN "
        f"INSERT INTO post_bigrams(rowid, bigrams) VALUES (new.id, yuqing_bigrams({_sqlite_searched('new')})); END"
    )
    forget = (
        "INSERT INTO post_bigrams(post_bigrams, rowid, bigrams) "
        f"VALUES ('delete', old.id, yuqing_bigrams({_sqlite_searched('old')}));"
    )
    op.execute(
        f"CREATE TRIGGER posts_bigrams_update AFTER UPDATE OF title, text_simplified ON posts BEGIN {forget} "
        f"INSERT INTO post_bigrams(rowid, bigrams) VALUES (new.id, yuqing_bigrams({_sqlite_searched('new')})); END"
    )
    op.execute(f"CREATE TRIGGER posts_bigrams_delete AFTER DELETE ON posts BEGIN {forget} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_posts_newest")
        op.execute("DROP INDEX ix_posts_bigrams")
        op.execute("DROP FUNCTION yuqing_bigrams(text)")
        return
    for trigger in ("posts_bigrams_insert", "posts_bigrams_update", "posts_bigrams_delete"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE post_bigrams")
