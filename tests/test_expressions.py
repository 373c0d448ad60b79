import pytest

from yuqing.expressions import And, ExpressionError, Haystack, Not, Or, Word, parse

LISHUI_SAFETY = "(丽水 OR 莲都 OR 龙泉) AND (爆炸 OR 坍塌 OR 火灾) NOT (演练 OR 电影)"


def test_a_word_matches_anywhere_inside_unspaced_chinese() -> None:
    assert parse("爆炸").matches("昨夜莲都区一化工厂发生爆炸事故")
    assert not parse("爆炸").matches("昨夜莲都区一化工厂发生火灾")


def test_the_lishui_safety_scheme_finds_incidents_and_skips_drills_and_films() -> None:
    expression = parse(LISHUI_SAFETY)
    assert expression.matches("龙泉一厂房坍塌")
    assert not expression.matches("龙泉消防开展厂房坍塌救援演练")
    assert not expression.matches("电影《龙泉》里的火灾场面")
    assert not expression.matches("杭州一厂房坍塌")


def test_and_binds_tighter_than_or() -> None:
    expression = parse("丽水 OR 莲都 AND 火灾")
    assert expression.root == Or((Word("丽水"), And((Word("莲都"), Word("火灾")))))
    assert expression.matches("丽水天气晴")
    assert not expression.matches("莲都天气晴")


def test_not_binds_tighter_than_and_and_or() -> None:
    assert parse("NOT 演练 火灾").root == And((Not(Word("演练")), Word("火灾")))
    expression = parse("丽水 OR 莲都 NOT 演练")
    assert expression.matches("丽水消防演练")  # the NOT belongs to 莲都 only
    assert not expression.matches("莲都消防演练")


def test_parentheses_override_precedence() -> None:
    expression = parse("(丽水 OR 莲都) NOT 演练")
    assert not expression.matches("丽水消防演练")


def test_adjacent_terms_are_joined_by_and() -> None:
    assert parse("丽水 爆炸 (死亡 OR 受伤)").root == parse("丽水 AND 爆炸 AND (死亡 OR 受伤)").root


def test_not_after_a_term_means_and_not() -> None:
    assert parse("火灾 NOT 演练").root == parse("火灾 AND NOT 演练").root
    assert parse("火灾 NOT 演练").root == And((Word("火灾"), Not(Word("演练"))))


def test_a_lone_not_matches_texts_without_the_word() -> None:
    assert parse("NOT 演练").matches("一切正常")
    assert not parse("NOT 演练").matches("消防演练")


def test_double_not_cancels() -> None:
    assert parse("NOT NOT 火灾").matches("火灾")


def test_a_quoted_phrase_keeps_its_spaces() -> None:
    expression = parse('"Hong Kong" 游客')
    assert expression.matches("hong kong游客")
    assert not expression.matches("hongkong游客")


def test_quotes_make_keywords_and_symbols_literal_words() -> None:
    assert parse('"AND"').root == Word("and")
    assert parse('"C++" OR "-演练"').matches("学习C++")
    assert parse('"-演练"').matches("新闻-演练")


def test_a_quoted_phrase_next_to_a_word_is_a_separate_term() -> None:
    assert parse('丽水"火灾 现场"').root == And((Word("丽水"), Word("火灾 现场")))


def test_nested_parentheses_evaluate_inside_out() -> None:
    expression = parse("((丽水 OR (莲都 AND 城区)) AND (火灾 OR (爆炸 NOT 烟花)))")
    assert expression.matches("莲都城区爆炸")
    assert not expression.matches("莲都城区烟花爆炸")
    assert not expression.matches("莲都爆炸")


def test_latin_letters_match_in_any_case() -> None:
    assert parse("PM2.5 超标").matches("今日pm2.5严重超标")
    assert parse("pm2.5").matches("PM2.5")
    assert parse('"Covid-19"').matches("COVID-19疫情")


def test_words_lists_every_word_as_compared_including_negated_ones() -> None:
    assert parse('(PM2.5 OR 雾霾) NOT "Test Run"').words() == {"pm2.5", "雾霾", "test run"}


def test_a_shared_haystack_gives_the_same_answers_as_plain_text() -> None:
    haystack = Haystack("龙泉一厂房坍塌")
    assert parse(LISHUI_SAFETY).matches(haystack)
    assert parse("龙泉 NOT 坍塌").matches(haystack) is False


def test_expression_is_immutable_and_prints_its_source() -> None:
    expression = parse(LISHUI_SAFETY)
    assert str(expression) == LISHUI_SAFETY
    with pytest.raises(AttributeError):
        expression.root = Word("x")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("(丽水 AND", "expected a word or '(' after AND at 5"),
        ("丽水 OR 莲都) AND 火灾", "unbalanced ')' at 9"),
        (") 丽水", "unbalanced ')' at 1"),
        ("(丽水 OR 莲都", "unclosed '(' at 1"),
        ("((丽水) 火灾", "unclosed '(' at 1"),
        ("火灾 (", "unclosed '(' at 4"),
        ("火灾 ()", "empty parentheses at 4"),
        ("丽水 AND 火灾 NOT", "expected a word or '(' after NOT at 11"),
        ("丽水 OR OR 火灾", "expected a word or '(' after OR at 4"),
        ("AND 火灾", "expected a word before AND at 1"),
        ("(OR 火灾)", "expected a word before OR at 2"),
        ('丽水 "火灾', "unclosed '\"' at 4"),
        ('丽水 ""', "empty phrase at 4"),
        ('丽水 "  "', "empty phrase at 4"),
    ],
)
def test_syntax_errors_say_what_and_where(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("丽水 and 火灾", "lower-case 'and' at 4; write AND for the operator, or \"and\" for the word"),
        ("火灾 Not 演练", "lower-case 'Not' at 4; write NOT for the operator, or \"Not\" for the word"),
        ("丽水|莲都", "'|' at 3; write OR instead, or quote the word"),
        ("丽水 & 火灾", "'&' at 4; write AND instead, or quote the word"),
        ("丽水+火灾", "'+' at 3; write AND instead, or quote the word"),
        ("火灾 -演练", "'-演练' at 4; write NOT 演练 to exclude, or \"-演练\" for the word"),
        ("火灾 !演练", "'!演练' at 4; write NOT 演练 to exclude, or \"!演练\" for the word"),
        ("（丽水 OR 莲都）", "'（' at 1; write '(' instead, or quote the word"),
        ("丽水 “火灾”", "'“' at 4; write '\"' instead, or quote the word"),
    ],
)
def test_other_monitors_syntax_is_refused_with_the_spelling_to_use(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert str(caught.value) == message


def test_expression_error_is_a_value_error_carrying_the_position() -> None:
    with pytest.raises(ValueError) as caught:
        parse("丽水 OR 莲都) AND 火灾")
    assert isinstance(caught.value, ExpressionError)
    assert (caught.value.reason, caught.value.position) == ("unbalanced ')'", 9)
