"""TF-IDF of word or character n-grams, counted with NumPy over a whole batch at once.

It computes what scikit-learn's `TfidfVectorizer(sublinear_tf=True)` computes (lower-cased text, runs of
whitespace folded for characters, `\\S*\\w\\S*` tokens for words, smoothed idf, l2 norm), but scikit-learn builds
every n-gram as a Python string and looks it up in a dict, one post at a time, which cost as much as segmenting
the post. Here each n-gram is a 64-bit integer, its units written as digits in a fixed base (characters: code
point + 1 in base 2**21; words: 1 + id in the training token table), so no unit is 0 and n-grams of different
lengths never share a key. All n-grams of a batch are looked up at once in a hash index of the vocabulary
(pandas', five times faster than a binary search here), and the counts become a sparse matrix directly. An
n-gram that contains a token never seen in training cannot be in the vocabulary, so unknown tokens share one id
that no vocabulary key uses.

Ties for `max_features` are broken by key order, so the vocabulary (and the model) is the same on every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

_WHITESPACE = re.compile(r"\s\s+")
_TOKEN = re.compile(r"\S*\w\S*")
_CHAR_BASE = 1 << 21  # every code point + 1 is below it, so three characters fit in a non-negative int64


class NgramTfidf(TransformerMixin, BaseEstimator):
    """`analyzer="char"` reads raw texts; `analyzer="word"` reads texts of space-separated tokens."""

    def __init__(
        self,
        analyzer: Literal["char", "word"] = "char",
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 1,
        max_df: float = 1.0,
        max_features: int | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features

    def fit(self, documents: Iterable[str], y: object = None) -> NgramTfidf:
        documents = list(documents)
        if self.analyzer == "word":
            self.tokens_ = pd.Index(sorted({word for document in documents for word in _words(document)}))
        if self._base() ** self.ngram_range[1] > 2**63:  # the largest key is base**n - 1
            raise ValueError(f"{self.analyzer} n-grams of {self.ngram_range[1]} do not fit in 64-bit keys")
        keys, rows = self._keys(documents)
        order = np.lexsort((rows, keys))  # by n-gram, then by document
        keys, rows = keys[order], rows[order]
        new_key = np.ones(len(keys), dtype=bool)
        new_key[1:] = keys[1:] != keys[:-1]
        new_pair = new_key.copy()  # the first occurrence of an n-gram in a document
        new_pair[1:] |= rows[1:] != rows[:-1]
        starts = np.flatnonzero(new_key)
        unique, term_counts = keys[starts], np.diff(np.append(starts, len(keys)))
        document_counts = np.add.reduceat(new_pair.astype(np.int64), starts) if len(keys) else term_counts
        kept = (document_counts >= self.min_df) & (document_counts <= self.max_df * len(documents))
        unique, term_counts, document_counts = unique[kept], term_counts[kept], document_counts[kept]
        if self.max_features is not None and len(unique) > self.max_features:
            best = np.sort(np.argsort(-term_counts, kind="stable")[: self.max_features])
            unique, document_counts = unique[best], document_counts[best]
        self.vocabulary_ = pd.Index(unique)
        self.idf_ = np.log((1 + len(documents)) / (1 + document_counts)) + 1.0
        return self

    def transform(self, documents: Iterable[str]) -> sp.csr_matrix:
        documents = list(documents)
        keys, rows = self._keys(documents)
        shape = (len(documents), len(self.vocabulary_))
        where = self.vocabulary_.get_indexer(keys)
        hit = where >= 0
        counts = sp.csr_matrix((np.ones(int(hit.sum())), (rows[hit], where[hit])), shape=shape)  # sums repeats
        counts.data = (np.log(counts.data) + 1.0) * self.idf_[counts.indices]
        return normalize(counts, copy=False)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        base, names = self._base(), []
        for key in map(int, self.vocabulary_):
            units = []
            while key:
                key, unit = divmod(key, base)
                units.append(chr(unit - 1) if self.analyzer == "char" else self.tokens_[unit - 1])
            names.append(("" if self.analyzer == "char" else " ").join(reversed(units)))
        return np.asarray(names, dtype=object)

    def _base(self) -> int:
        return _CHAR_BASE if self.analyzer == "char" else len(self.tokens_) + 2  # ids 1..n, n + 1 unknown

    def _keys(self, documents: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every n-gram of every document as (key, document row), in one flat pair of arrays."""
        if self.analyzer == "char":
            folded = [_WHITESPACE.sub(" ", document.lower()) for document in documents]
            lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
            text = "".join(folded).encode("utf-32-le", "surrogatepass")
            units = np.frombuffer(text, dtype=np.uint32).astype(np.int64) + 1
        else:
            words = [_words(document) for document in documents]
            lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
            units = self.tokens_.get_indexer(list(chain.from_iterable(words))).astype(np.int64) + 1
            units[units == 0] = len(self.tokens_) + 1  # unknown
        return _packed(units, lengths, self.ngram_range, self._base())


def _words(document: str) -> list[str]:
    return _TOKEN.findall(document.lower())


def _packed(
    units: np.ndarray, lengths: np.ndarray, ngram_range: tuple[int, int], base: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the n-grams that lie inside one document (`units` is all documents end to end)."""
    rows = np.repeat(np.arange(len(lengths)), lengths)
    ends = np.repeat(np.cumsum(lengths), lengths)  # per position, where its document ends
    positions = np.arange(len(units))
    keys, owners = [], []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        inside = positions + n <= ends
        starts = positions[inside]
        key = np.zeros(len(starts), dtype=np.int64)
        for j in range(n):
            key = key * base + units[starts + j]
        keys.append(key)
        owners.append(rows[inside])
    return np.concatenate(keys), np.concatenate(owners)
