"""Why a page could not be collected, in the words the source health report uses.

Kinds: `http_status`, `timeout`, `connection`, `too_large`, `redirect_loop`, `robots`, `captcha`, `login`,
`parse`, `empty_parse`, `error`.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived


class BlockedPage(IgnoreRequest):
    """The site answered with a captcha or a login page instead of content (expired cookies, anti-bot)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class RobotsDenied(IgnoreRequest):
    """robots.txt forbids the page and the source has not turned obeying off."""


def classify_failure(failure: Failure) -> tuple[str, str]:
    """(kind, message) for a failed request."""
    error = failure.value
    if isinstance(error, BlockedPage):
        return error.kind, error.reason
    if isinstance(error, RobotsDenied):
        return "robots", "forbidden by robots.txt"
    if isinstance(error, HttpError):
        return "http_status", f"HTTP {error.response.status}"
    if isinstance(error, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout", "timed out"
    if isinstance(error, CancelledError) or "max size" in str(error) or "maxsize" in str(error):
        return "too_large", str(error) or "response larger than the size cap"
    if isinstance(error, IgnoreRequest) and "redirect" in str(error).lower():
        return "redirect_loop", str(error)
    unreachable = (DNSLookupError, ConnectError, ResponseNeverReceived, CannotResolveHostError)
    if isinstance(error, (*unreachable, DownloadConnectionRefusedError, DownloadFailedError)):
        return "connection", f"{type(error).__name__}: {error}"
    return "error", f"{type(error).__name__}: {error}"
