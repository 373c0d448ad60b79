"""jieba word segmentation with the project's dictionary, loaded once per process.

Division names (莲都区, 锡林郭勒盟) and government terms (应急管理局, 新闻发布会) are added as whole words, so
the models see the place and the office rather than their fragments.

The segmentation is jieba's precise mode without HMM, word for word: its dictionary (with our words added), its
blocks of Han, letters and digits, its DAG of dictionary words and its route of greatest probability, ties to the
longer word, single letters and digits joined. `Segmenter` computes that route in one right-to-left pass with the
log-probabilities worked out once at load, where jieba builds the DAG as a dict of lists, takes a logarithm per
edge and compares tuples; that makes segmentation, most of the cost of classifying, about twice as fast.
tests/classifier/test_tokens.py holds it to `jieba.Tokenizer.lcut(text, HMM=False)` over the whole corpus.
jieba's HMM guesses words it does not know; the character n-grams already cover those.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)
_NOT_A_PREFIX = object()


def _terms(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def tokenizer(dictionary: Path) -> jieba.Tokenizer:
    """jieba with the division names and the government terms of `dictionary` (Settings.dictionary_file) added;
    one per process and dictionary."""
    from classifier.regions import RegionMatcher

    instance = jieba.Tokenizer()
    instance.initialize()
    for word in [*RegionMatcher.default().vocabulary(), *_terms(dictionary)]:
        instance.add_word(word, freq=2000)
    return instance


class Segmenter:
    """jieba's `cut(text, HMM=False)` from a loaded jieba tokenizer's dictionary; see the module docstring."""

    def __init__(self, dictionary: jieba.Tokenizer) -> None:
        log_total = math.log(dictionary.total)
        # Every word and every prefix of one: a word's log-probability, None for a prefix that is no word.
        self._words = {w: (math.log(f) - log_total if f else None) for w, f in dictionary.FREQ.items()}
        self._unknown = -log_total  # a character that is no word counts as frequency 1

    def cut(self, text: str) -> list[str]:
        words: list[str] = []
        for block in jieba.re_han_default.split(text):
            if not block:
                continue
            if jieba.re_han_default.match(block):
                self._cut_block(block, words)
                continue
            for piece in jieba.re_skip_default.split(block):
                if jieba.re_skip_default.match(piece):
                    words.append(piece)
                else:
                    words.extend(piece)
        return words

    def _cut_block(self, block: str, words: list[str]) -> None:
        lookup, size = self._words.get, len(block)
        best = [0.0] * (size + 1)  # best[k]: log-probability of the best route from k to the end
        last = [0] * size  # last[k]: where the first word of that route ends (inclusive)
        for start in range(size - 1, -1, -1):
            score, end = None, start
            stop, weight = start, lookup(block[start], _NOT_A_PREFIX)
            while weight is not _NOT_A_PREFIX:
                if weight is not None:
                    candidate = weight + best[stop + 1]
                    if score is None or candidate >= score:  # ascending ends, so a tie goes to the longer word
                        score, end = candidate, stop
                stop += 1
                if stop == size:
                    break
                weight = lookup(block[start : stop + 1], _NOT_A_PREFIX)
            best[start] = self._unknown + best[start + 1] if score is None else score
            last[start] = end
        position, letters = 0, ""
        while position < size:
            following = last[position] + 1
            word = block[position:following]
            if following - position == 1 and jieba.re_eng.match(word):
                letters += word
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(word)
            position = following
        if letters:
            words.append(letters)


@cache
def segmenter(dictionary: Path) -> Segmenter:
    """The segmenter of a dictionary: `segmenter(path).cut(text)` gives the words of a simplified text (the
    vectorizer's token pattern then drops whitespace and punctuation-only pieces)."""
    return Segmenter(tokenizer(dictionary))
