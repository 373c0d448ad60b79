"""One form for a post's text and URL, so the same article fetched twice (or copied) is recognised.

Text: HTML stripped, entities decoded, full-width forms and whitespace folded (NFKC), the original kept apart.
URL: tracking parameters and fragments removed, the query sorted, the host lower-cased.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import html as lxml_html
from lxml.etree import ParserError

_TRACKING_PREFIXES = ("utm_", "spm", "share_", "wx_", "from_")
_TRACKING = {
    "from", "fbclid", "gclid", "isappinstalled", "scene", "srcid", "sharer_sharetime", "sharer_shareid",
    "chksm", "clicktime", "enterid", "refer", "ref", "mpshare",
    "vd_source", "is_from_webapp", "sender_device",
}  # fmt: skip
_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|tr|h[1-6]|section|article|table)\b[^>]*>", re.IGNORECASE)
_HORIZONTAL = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def strip_html(markup: str) -> str:
    """Plain text of an HTML fragment, block elements becoming line breaks."""
    if "<" not in markup:
        return html.unescape(markup)
    try:
        tree = lxml_html.fromstring(_BLOCK_TAGS.sub("\n", markup))
    except (ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return tree.text_content()


def normalise_text(value: str) -> str:
    """HTML stripped, full-width folded, runs of spaces one space, paragraphs one line each."""
    text = unicodedata.normalize("NFKC", strip_html(value or ""))
    text = _HORIZONTAL.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def content_hash(title: str, text: str) -> str:
    """Exact-duplicate key: the same words, whatever the markup, spacing or script."""
    key = re.sub(r"\s+", "", f"{title}\n{text}")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """The URL that identifies a page: no fragment, no tracking parameters, sorted query, lower-case host."""
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (parts.scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(sorted(query)), ""))
