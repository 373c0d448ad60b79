"""Sign-in attempts limited per account and per address, so a password cannot be guessed by brute force from one
machine nor spread over many machines against one account.

Failures are counted in a sliding window in this process's memory: the console runs as one process (`yuqing
serve` or `yuqing run`), and a restart forgetting the count only gives an attacker one more window. A success
clears the account's count, not the address's (an office behind one NAT address signs in many people).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

ACCOUNT_FAILURES = 5  # per account in the window
ADDRESS_FAILURES = 20  # per address in the window
WINDOW_SECONDS = 15 * 60


class LoginLimiter:
    def __init__(
        self,
        account_failures: int = ACCOUNT_FAILURES,
        address_failures: int = ADDRESS_FAILURES,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self._limits = {"account": account_failures, "address": address_failures}
        self._window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        return failures

    def blocked(self, username: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(
                len(self._recent((kind, value), now)) >= self._limits[kind]
                for kind, value in (("account", username), ("address", address))
            )

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (("account", username), ("address", address)):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("account", username), None)
