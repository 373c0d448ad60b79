"""Turning a page's bytes into text when its declared charset may be missing or wrong.

Chinese sites serve UTF-8, GBK/GB18030 and Big5, and old government CMSs often declare `gb2312` while sending
UTF-8 (or the reverse). A strict decode is a strong test: valid UTF-8 with non-ASCII bytes is almost never an
accident, and a declared charset that fails strictly is not trusted.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
# Superset codecs: a page labelled with the subset often uses characters only the superset has.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs", "x-gbk": "gb18030"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _WIDER.get(label.strip().lower(), _WIDER.get(name, name))


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the page claims: the Content-Type header, else an XML declaration or a meta tag."""
    if content_type and (match := re.search(r"charset\s*=\s*[\"']?([\w\-]+)", content_type, re.IGNORECASE)):
        return match.group(1)
    head = body[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """The page's text: a BOM, then strict UTF-8, then the declared charset, then detection, then lenient."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _codec(declared_charset(body, content_type))
    if declared and declared not in ("utf-8", "ascii"):
        try:
            return body.decode(declared)
        except UnicodeDecodeError:
            pass
    best = from_bytes(body, cp_isolation=["gb18030", "big5hkscs", "utf_8", "cp1252"]).best()
    if best is not None and best.encoding:
        return str(best)
    return body.decode(declared or "gb18030", errors="replace")
