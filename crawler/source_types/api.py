"""`json` sources: paged JSON APIs (a platform's search or timeline), each item at a dotted path a post."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from w3lib.url import add_or_replace_parameter

from crawler.dates import parse_date
from crawler.records import CollectedPost
from crawler.source_types.base import IndexPage, Page, ParseError, SourceType
from yuqing.config_models import JsonSource


def dig(value: Any, path: str) -> Any:
    """The value at a dotted path (`data.list`, `user.name`, `items.0`), or None when any step is missing."""
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def count(value: Any) -> int | None:
    """A metric as platforms print it: 17, "17", "1.2万", "3k"; None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().replace(",", "")
    factor = 1
    for suffix, multiple in (("万", 10_000), ("亿", 100_000_000), ("w", 10_000), ("k", 1_000)):
        if text.lower().endswith(suffix):
            text, factor = text[: -len(suffix)], multiple
            break
    try:
        return int(float(text) * factor)
    except ValueError:
        return None


class ApiSource(SourceType[JsonSource]):
    def first_pages(self) -> list[str]:
        """Each URL asked for its first page when the API is paged."""
        paging = self.config.next
        if paging is None:
            return super().first_pages()
        return [add_or_replace_parameter(url, paging.param, str(paging.start)) for url in self.config.urls]

    def parse_index(self, page: Page) -> IndexPage:
        """The items at the dotted path, each field at its own path; then the next page while items come."""
        try:
            document = json.loads(page.text)
        except json.JSONDecodeError as error:
            raise ParseError(f"not JSON ({error.msg} at line {error.lineno})") from error
        items = dig(document, self.config.items)
        if not isinstance(items, list):
            raise ParseError(f"{self.config.items!r} is not a list in the answer")
        posts = [post for item in items if (post := self._post(item, page.url)) is not None]
        paging = self.config.next
        following = None
        if paging and items and page.number < paging.max_pages:
            following = add_or_replace_parameter(page.url, paging.param, str(paging.start + page.number))
        return IndexPage(items=len(items), posts=posts, next_url=following)

    def _post(self, item: Any, base_url: str) -> CollectedPost | None:
        fields = self.config.fields
        raw = dig(item, fields.text)
        if not isinstance(item, dict) or raw is None:
            return None
        item_id, url = dig(item, fields.id or ""), dig(item, fields.url or "")
        return CollectedPost(
            source=self.config.name,
            url=urljoin(base_url, str(url)) if fields.url and url else None,
            external_id=str(item_id) if fields.id and item_id is not None else None,
            title=str(dig(item, fields.title) or "") if fields.title else "",
            raw_text=str(raw),
            author=str(dig(item, fields.author) or "") or None if fields.author else None,
            published_at=parse_date(dig(item, fields.published_at), self.zone) if fields.published_at else None,
            reposts=count(dig(item, fields.reposts)) if fields.reposts else None,
            comments=count(dig(item, fields.comments)) if fields.comments else None,
            likes=count(dig(item, fields.likes)) if fields.likes else None,
        )
