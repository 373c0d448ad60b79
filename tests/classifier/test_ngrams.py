"""NgramTfidf must compute what scikit-learn's TfidfVectorizer computes, since the README and the model's
docstring say so and the models' settings were chosen with it."""

from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from classifier.corpus import read_corpus
from classifier.ngrams import NgramTfidf
from classifier.tokens import segmenter
from yuqing.settings import load_settings

SETTINGS = load_settings()
CORPUS, DICTIONARY = SETTINGS.corpus_dir, SETTINGS.dictionary_file


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [example.text for example in read_corpus(CORPUS)[::10]]


def same_as_scikit_learn(ours: NgramTfidf, theirs: TfidfVectorizer, train: list[str], other: list[str]) -> None:
    ours.fit(train)
    theirs.fit(train)
    names = list(ours.get_feature_names_out())
    assert sorted(names) == sorted(theirs.get_feature_names_out())
    column = {name: i for i, name in enumerate(names)}
    order = [column[name] for name in theirs.get_feature_names_out()]
    difference = abs(theirs.transform(other) - ours.transform(other)[:, order])
    assert difference.max() < 1e-12


def test_character_ngrams_weigh_as_scikit_learn_weighs_them(texts: list[str]) -> None:
    same_as_scikit_learn(
        NgramTfidf("char", ngram_range=(1, 3), min_df=2),
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
        texts[:200],
        [*texts[200:], "  Ａ全新  文本\t\t😀 ", ""],
    )


def test_word_ngrams_weigh_as_scikit_learn_weighs_them_unknown_words_included(texts: list[str]) -> None:
    words = [" ".join(segmenter(DICTIONARY).cut(text)) for text in texts]
    same_as_scikit_learn(
        NgramTfidf("word", ngram_range=(1, 2), min_df=2, max_df=0.9),
        TfidfVectorizer(token_pattern=r"\S*\w\S*", ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True),
        words[:200],
        [*words[200:], "从未 见过 的 词语 ， 应急 管理局", ""],
    )


def test_max_features_keeps_the_most_frequent_ngrams_the_same_way_every_time(texts: list[str]) -> None:
    first = NgramTfidf("char", max_features=500).fit(texts)
    second = NgramTfidf("char", max_features=500).fit(list(reversed(texts)))
    kept = set(first.get_feature_names_out())
    assert len(kept) == 500
    assert list(first.get_feature_names_out()) == list(second.get_feature_names_out())
    counter = CountVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=True).fit(texts)
    frequency = dict(zip(counter.get_feature_names_out(), counter.transform(texts).sum(axis=0).A1, strict=True))
    assert min(frequency[n] for n in kept) >= max(f for n, f in frequency.items() if n not in kept)
