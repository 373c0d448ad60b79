"""The fast segmenter must give jieba's words exactly: the models were trained on them, and the README calls them
jieba's."""

from __future__ import annotations

import pytest

from classifier.corpus import read_corpus
from classifier.tokens import Segmenter, segmenter, tokenizer
from yuqing.settings import load_settings

SETTINGS = load_settings()
CORPUS, DICTIONARY = SETTINGS.corpus_dir, SETTINGS.dictionary_file


def tokens(text: str) -> list[str]:
    return segmenter(DICTIONARY).cut(text)


def jieba_words(text: str) -> list[str]:
    return tokenizer(DICTIONARY).lcut(text, HMM=False)


def test_every_corpus_post_is_segmented_exactly_as_jieba_segments_it() -> None:
    texts = [example.text for example in read_corpus(CORPUS)]
    different = [text[:40] for text in texts if tokens(text) != jieba_words(text)]
    assert len(texts) > 2500
    assert different == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "莲都区应急管理局召开新闻发布会",
        "iPhone15 发布会上 A1 芯片 3.5GHz，售价5999元！",
        "a b\r\nc\t\t中文 English混排 x-y_z #话题# @某某 ",
        "😭😭 我们村的桥塌了!!! 2死5伤 ",
        "臺風「海葵」登陸，多處淹水",
        "一二三四五六七八九十百千万亿",
        "ｆｕｌｌ－ｗｉｄｔｈ　１２３",
        "\n\n  \u3000 ",
    ],
)
def test_letters_digits_spaces_and_symbols_come_out_as_jieba_gives_them(text: str) -> None:
    assert tokens(text) == jieba_words(text)


def test_a_word_added_to_the_dictionary_is_kept_whole() -> None:
    dictionary = tokenizer(DICTIONARY)
    assert "莲都区" in tokens("丽水市莲都区发生火灾")
    assert Segmenter(dictionary).cut("应急管理局新闻发布会") == ["应急管理局", "新闻发布会"]
