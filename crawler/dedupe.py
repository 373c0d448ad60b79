"""Near-duplicate detection with 64-bit SimHash over character shingles.

Reposts and copied articles differ by a source line, an editor's note or a few changed characters; their
SimHashes then differ in a few bits (unrelated texts differ in about 32). Two hashes within
`MAX_DISTANCE` (6) bits share at least one of eight 8-bit bands exactly, so each band is a dictionary key.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

BITS = 64
BANDS = 8
MAX_DISTANCE = 6
MIN_CHARACTERS = 40  # shorter texts (a one-line weibo) match too easily to call copies; exact hashes still link them
_SHINGLE = 3
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def simhash(text: str) -> int | None:
    """The text's 64-bit SimHash as a signed integer (it is stored in a BIGINT), or None when too short.

    Each distinct shingle votes on every bit with its count: +count where its hash has a 1, -count where a 0;
    the bits whose vote is positive are set. The votes are one matrix product (the per-bit Python loop was
    most of the pipeline's cost per page)."""
    letters = _NOISE.sub("", text)
    if len(letters) < MIN_CHARACTERS:
        return None
    counts: Counter[str] = Counter(letters[index : index + _SHINGLE] for index in range(len(letters) - _SHINGLE + 1))
    digests = b"".join(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest() for shingle in counts)
    values = np.frombuffer(digests, dtype=">u8").astype("<u8")  # each shingle's 64-bit hash (big-endian digest)
    bits = np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")  # column i = bit i
    votes = np.fromiter(counts.values(), dtype=np.int64, count=len(counts)) @ (2 * bits.astype(np.int64) - 1)
    unsigned = int(np.packbits(votes > 0, bitorder="little").view("<u8")[0])
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()


def _bands(value: int) -> list[tuple[int, int]]:
    unsigned = value & ((1 << BITS) - 1)
    width = BITS // BANDS
    return [(band, unsigned >> (band * width) & ((1 << width) - 1)) for band in range(BANDS)]


@dataclass
class SimHashIndex:
    """Post ids by SimHash band, for finding the first post a new one copies."""

    _by_band: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, post_id: int, value: int) -> None:
        for key in _bands(value):
            self._by_band[key].append((post_id, value))

    def nearest(self, value: int) -> int | None:
        """The earliest indexed post within MAX_DISTANCE bits, or None."""
        found = {
            post_id
            for key in _bands(value)
            for post_id, other in self._by_band.get(key, ())
            if distance(value, other) <= MAX_DISTANCE
        }
        return min(found) if found else None
