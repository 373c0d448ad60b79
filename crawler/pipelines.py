"""Batched storage of collected posts: normalised, deduplicated, linked to the post they copy.

A batch is one transaction. Posts already stored (same canonical URL, or same source and platform id) are
dropped; an exact copy (same normalised, simplified words) or a near copy (SimHash within a few bits) is
stored with `duplicate_of_id` pointing at the first post, whose `spread` counts it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Self

from scrapy.crawler import Crawler
from sqlalchemy import bindparam, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.dedupe import SimHashIndex, simhash
from crawler.normalise import canonical_url, content_hash, normalise_text
from crawler.records import CollectedPost, CrawlRun, StoredPost
from yuqing.storage.models import Post, utcnow
from yuqing.text import simplified

BATCH = 200
NEAR_DUPLICATE_WINDOW = timedelta(days=30)  # copies surface within days; older posts are not compared


class PostWriter:
    """Stores batches of posts; keeps the recent SimHashes in memory for near-duplicate look-ups.

    Before each batch the index takes in what other crawler processes (`--distributed`) stored since it last
    looked, so a near copy is linked to an original another process fetched in the same run. A post another
    process is storing at the very same moment can still be missed: its copy then counts as an original."""

    def __init__(self, factory: sessionmaker[Session], source_ids: dict[str, int], media: dict[str, str]) -> None:
        self.factory, self.source_ids, self.media = factory, source_ids, media
        self.index = SimHashIndex()
        self.roots: dict[int, int] = {}  # post id → the first post it copies (itself for an original)
        self.looked_up_to = 0  # the highest post id the index has taken in from the database
        with factory() as session:
            self._catch_up(session, since=utcnow() - NEAR_DUPLICATE_WINDOW)

    def _catch_up(self, session: Session, since: datetime | None = None) -> None:
        """Index the posts stored since the last look (or fetched since `since`), other processes' included."""
        query = select(Post.id, Post.simhash, Post.duplicate_of_id).where(
            Post.id > self.looked_up_to, Post.simhash.is_not(None)
        )
        if since is not None:
            query = query.where(Post.fetched_at >= since)
        for post_id, value, root in session.execute(query.order_by(Post.id)):
            self.looked_up_to = post_id
            if post_id not in self.roots:  # this writer's own posts are indexed already
                self.index.add(post_id, value)
                self.roots[post_id] = root or post_id

    def _prepare(self, item: CollectedPost) -> Post | None:
        text, title = normalise_text(item.raw_text), normalise_text(item.title)
        if not text and not title:
            return None
        plain, plain_title = simplified(text), simplified(title)
        return Post(
            source_id=self.source_ids[item.source],
            external_id=item.external_id[:200] if item.external_id else None,
            url=item.url,
            canonical_url=canonical_url(item.url) if item.url else None,
            media=self.media[item.source],
            author=item.author[:200] if item.author else None,
            title=title,
            raw_text=item.raw_text,
            text=text,
            text_simplified=plain,
            meta=item.meta,
            reposts=item.reposts,
            comments=item.comments,
            likes=item.likes,
            published_at=item.published_at,
            fetched_at=utcnow(),
            content_hash=content_hash(plain_title, plain),
            simhash=simhash(f"{plain_title}\n{plain}"),
            spread=1,
        )

    def _unseen(self, session: Session, posts: list[Post]) -> list[Post]:
        """Drops posts already stored, and repeats within the batch."""
        urls = [p.canonical_url for p in posts if p.canonical_url]
        ids = [(p.source_id, p.external_id) for p in posts if p.external_id]
        known_urls: set[str | None] = set()
        if urls:
            known_urls.update(session.scalars(select(Post.canonical_url).where(Post.canonical_url.in_(urls))))
        known_ids: set[tuple[int | None, str | None]] = set()
        if ids:
            pairs = select(Post.source_id, Post.external_id).where(tuple_(Post.source_id, Post.external_id).in_(ids))
            known_ids.update(session.execute(pairs).tuples())
        fresh = []
        for post in posts:
            key = (post.source_id, post.external_id)
            if (post.canonical_url and post.canonical_url in known_urls) or (post.external_id and key in known_ids):
                continue
            if post.canonical_url:
                known_urls.add(post.canonical_url)
            if post.external_id:
                known_ids.add(key)
            fresh.append(post)
        return fresh

    def _link(self, session: Session, posts: list[Post]) -> list[tuple[int, int, int]]:
        """Insert `posts`, each linked to the first post it copies; returns (id, simhash, original) to index
        once the transaction has committed (a rolled-back id must never be found later).

        A post's original is a stored post (its id is known) or an earlier post of this batch (known once that
        one is inserted), so the batch goes in as two bulk inserts: everything that copies no batch post, then
        the copies of batch posts with their originals' new ids."""
        stored_roots: dict[str, int] = {}  # content hash → the stored original of the posts that have it
        for post_id, digest, root in session.execute(
            select(Post.id, Post.content_hash, Post.duplicate_of_id)
            .where(Post.content_hash.in_({p.content_hash for p in posts}))
            .order_by(Post.id)
        ):
            stored_roots.setdefault(digest, root or post_id)
        batch_roots: dict[str, int] = {}  # content hash → position of the batch post that is its original
        batch_index = SimHashIndex()  # keyed by position in the batch
        roots: list[tuple[str, int]] = []  # per position: ("stored", id), ("batch", position) or ("self", position)
        for position, post in enumerate(posts):
            root = self._root_of(post, stored_roots, batch_roots, batch_index, roots)
            roots.append(root)
            kind, target = root
            if kind == "stored":
                stored_roots.setdefault(post.content_hash, target)
            else:
                batch_roots.setdefault(post.content_hash, target)
            if post.simhash is not None:
                batch_index.add(position, post.simhash)
        first = [post for post, (kind, target) in zip(posts, roots, strict=True) if kind != "batch"]
        for post, (kind, target) in zip(posts, roots, strict=True):
            post.duplicate_of_id = target if kind == "stored" else None
        session.add_all(first)
        session.flush()
        later = []
        for post, (kind, target) in zip(posts, roots, strict=True):
            if kind == "batch":
                post.duplicate_of_id = posts[target].id
                later.append(post)
        session.add_all(later)
        session.flush()
        copies = Counter(post.duplicate_of_id for post in posts if post.duplicate_of_id)
        if copies:  # one executemany, not a statement per original
            table = Post.__table__
            grow = update(table).where(table.c.id == bindparam("original"))
            session.execute(
                grow.values(spread=table.c.spread + bindparam("extra")),
                [{"original": original, "extra": extra} for original, extra in copies.items()],
            )
        self._earliest_first(session, {post.duplicate_of_id or post.id for post in posts})
        return [(p.id, p.simhash, p.duplicate_of_id or p.id) for p in posts if p.simhash is not None]

    def _earliest_first(self, session: Session, roots: set[int]) -> None:
        """Make the earliest published post of each set of copies its original.

        Copies are linked to the first post stored, but a crawl finds posts in any order: an outlet's article
        found in the evening may have been published before the repost found in the morning. The original is the
        one published first (the earliest id among equals; a post without a date never displaces a dated one),
        so the rest, the old original included, are re-linked to it and its spread counts them."""
        members: dict[int, list[tuple[int, datetime | None, int]]] = defaultdict(list)
        for post_id, original, published, spread in session.execute(
            select(Post.id, Post.duplicate_of_id, Post.published_at, Post.spread).where(
                or_(Post.id.in_(roots), Post.duplicate_of_id.in_(roots))
            )
        ):
            members[original or post_id].append((post_id, published, spread))
        for root, group in members.items():
            dated = [(published, post_id) for post_id, published, _ in group if published is not None]
            root_published = next(published for post_id, published, _ in group if post_id == root)
            if not dated or min(dated)[1] == root or (root_published is not None and root_published <= min(dated)[0]):
                continue
            first = min(dated)[1]
            spread = next(spread for post_id, _, spread in group if post_id == root)
            session.execute(update(Post).where(Post.duplicate_of_id == root).values(duplicate_of_id=first))
            session.execute(update(Post).where(Post.id == root).values(duplicate_of_id=first, spread=1))
            session.execute(update(Post).where(Post.id == first).values(duplicate_of_id=None, spread=spread))
            for post_id, original in self.roots.items():
                if original == root:
                    self.roots[post_id] = first

    def _root_of(
        self,
        post: Post,
        stored_roots: dict[str, int],
        batch_roots: dict[str, int],
        batch_index: SimHashIndex,
        roots: list[tuple[str, int]],
    ) -> tuple[str, int]:
        """The first post `post` copies: a stored one before any of the batch, since stored ids are older."""
        if post.content_hash in stored_roots:
            return "stored", stored_roots[post.content_hash]
        if post.content_hash in batch_roots:
            return "batch", batch_roots[post.content_hash]
        if post.simhash is not None:
            stored = self.index.nearest(post.simhash)
            if stored is not None:
                return "stored", self.roots[stored]
            near = batch_index.nearest(post.simhash)
            if near is not None:
                kind, target = roots[near]  # target is `near` itself when that post is an original
                return ("stored", target) if kind == "stored" else ("batch", target)
        return "self", len(roots)

    def _remember(self, indexed: list[tuple[int, int, int]]) -> None:
        for post_id, value, root in indexed:
            self.index.add(post_id, value)
            self.roots[post_id] = root

    def write(self, items: list[CollectedPost]) -> list[Post]:
        """Store a batch; posts another process stored meanwhile are skipped one by one on a conflict."""
        prepared = [post for item in items if (post := self._prepare(item)) is not None]
        if not prepared:
            return []
        try:
            with self.factory() as session, session.begin():
                self._catch_up(session)
                fresh = self._unseen(session, prepared)
                indexed = self._link(session, fresh) if fresh else []
            self._remember(indexed)
            return fresh
        except IntegrityError:
            stored = []
            for item in items:
                post = self._prepare(item)
                if post is None:
                    continue
                try:
                    with self.factory() as session, session.begin():
                        indexed = self._link(session, [post]) if self._unseen(session, [post]) else None
                except IntegrityError:
                    continue
                if indexed is not None:
                    self._remember(indexed)
                    stored.append(post)
            return stored


class StoragePipeline:
    """Buffers items and writes them `BATCH` at a time (and the rest when the spider closes); each stored post is
    counted on its source's report and kept for `--out`."""

    def __init__(self, run: CrawlRun) -> None:
        self.run = run
        self.names = {id_: name for name, id_ in run.source_ids.items()}
        self.buffer: list[CollectedPost] = []
        self.writer: PostWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(CrawlRun.of(crawler))

    def open_spider(self) -> None:
        media = {name: source.media for name, source in self.run.sources.items()}
        self.writer = PostWriter(self.run.factory, self.run.source_ids, media)

    def process_item(self, item: CollectedPost) -> CollectedPost:
        self.buffer.append(item)
        if len(self.buffer) >= BATCH:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        assert self.writer is not None  # opened with the spider
        batch, self.buffer = self.buffer, []
        for post in self.writer.write(batch):
            name = self.names[post.source_id]  # type: ignore[index]
            self.run.reports[name].new_items += 1
            self.run.stored.append(
                StoredPost(
                    id=post.id,
                    title=post.title,
                    text=post.text,
                    source=name,
                    url=post.url,
                    published_at=post.published_at,
                    media=post.media,
                    author=post.author,
                    duplicate_of=post.duplicate_of_id,
                )
            )
