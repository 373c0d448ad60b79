"""`file:` URLs for the bundled samples (and for testing a source definition offline).

A relative `file:samples/x.xml` is read from the data folder (`resolve_url`). A query string
selects a sibling file, so paged JSON APIs work offline: `search.json?page=2` reads `search.page-2.json`, and
falls back to `search.json` itself when there is no such file (the first page).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.asyncio import run_in_thread
from w3lib.url import file_uri_to_path


def resolve_url(url: str, data_dir: Path) -> str:
    """`file:samples/x.xml` (relative) is read from the data folder; every other URL is left as it is."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc or parts.path.startswith("/"):
        return url
    absolute = (data_dir / parts.path).resolve().as_uri()
    return absolute + (f"?{parts.query}" if parts.query else "")


def file_for(url: str) -> Path:
    """The file a `file:` URL (with its query) stands for."""
    parts = urlsplit(url)
    path = Path(file_uri_to_path(parts._replace(query="").geturl()))
    if parts.query:
        suffix = "-".join(f"{key}-{value}" for key, value in sorted(parse_qsl(parts.query)))
        sibling = path.with_name(f"{path.stem}.{suffix}{path.suffix}")
        if sibling.exists():
            return sibling
    return path


class QueryFileDownloadHandler(BaseDownloadHandler):
    async def download_request(self, request: Request) -> Response:
        path = file_for(request.url)
        body = await run_in_thread(path.read_bytes)
        return responsetypes.from_args(filename=str(path), body=body)(url=request.url, body=body, status=200)
