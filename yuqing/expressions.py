"""The keyword-expression language of monitoring schemes (监测方案): parse once, then test many posts.

Syntax, one spelling for each thing so that a scheme reads the same to everyone who reviews it:

- A word is any run of characters other than white space, parentheses and '"'; `"a phrase"` may hold spaces
  (kept exactly; it cannot hold '"').
- `AND`, `OR`, `NOT` are operators only in upper case. Precedence is NOT > AND > OR, so
  `A OR B NOT C` means `A OR (B AND NOT C)`; use parentheses for `(A OR B) NOT C`.
- Adjacent terms are joined by AND: `丽水 爆炸` is `丽水 AND 爆炸`, and `A NOT B` is `A AND NOT B`.
- A word matches when it occurs anywhere in the text (Chinese has no spaces between words), ignoring the case of
  Latin letters. The caller converts the text to simplified characters first (`yuqing.text.simplified`).

What other monitors accept is refused rather than silently searched for as a literal word, because such a scheme
would quietly never match: lower-case `and`/`or`/`not`, the symbols `|`, `&`, `+`, a leading `-` or `!`, and
full-width `（）“”`. Each error names a position, counting characters from 1; quoting the word makes it literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_KEYWORDS = ("AND", "OR", "NOT")
# Characters that other tools use as syntax, and what to write here instead.
_FOREIGN_ANYWHERE = {"|": "OR", "&": "AND", "+": "AND", "（": "'('", "）": "')'", "“": "'\"'", "”": "'\"'"}
_FOREIGN_LEADING = ("-", "!")
_TOKEN = re.compile(r'(?P<space>\s+)|(?P<paren>[()])|(?P<phrase>"[^"]*")|(?P<quote>")|(?P<word>[^\s()"]+)')


class ExpressionError(ValueError):
    """An expression that cannot be parsed; `position` counts characters from 1 (None when not about one place)."""

    def __init__(self, reason: str, position: int | None = None, hint: str | None = None) -> None:
        message = reason if position is None else f"{reason} at {position}"
        super().__init__(message if hint is None else f"{message}; {hint}")
        self.reason = reason
        self.position = position


def fold(text: str) -> str:
    """The form both words and texts are compared in, so that 'PM2.5' finds 'pm2.5'."""
    return text.lower()


class Haystack(dict[str, bool]):
    """A text prepared for matching, as a map from folded word to whether it occurs: the text is folded once and
    each word searched for on first ask only, however many expressions ask. Being a dict, a repeated ask is a
    plain lookup, which keeps testing a post against every scheme cheap."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = fold(text)

    def __missing__(self, folded_word: str) -> bool:
        found = self[folded_word] = folded_word in self.text
        return found


@dataclass(frozen=True)
class Word:
    text: str  # folded

    def words(self) -> set[str]:
        return {self.text}


@dataclass(frozen=True)
class Not:
    operand: Node

    def words(self) -> set[str]:
        return self.operand.words()


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def words(self) -> set[str]:
        return set().union(*(operand.words() for operand in self.operands))


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def words(self) -> set[str]:
        return set().union(*(operand.words() for operand in self.operands))


Node = Word | Not | And | Or
Test = Callable[[Haystack], bool]


def _compile(node: Node) -> Test:
    """The tree as nested closures, built once: a third faster to run than walking the tree, since a group of
    plain words (the usual `(丽水 OR 莲都 OR ...)`) becomes one `any(map(...))` over dict lookups."""
    match node:
        case Word(text):
            return lambda haystack: haystack[text]
        case Not(operand):
            inner = _compile(operand)
            return lambda haystack: not inner(haystack)
        case Or(operands) | And(operands):
            combine = any if isinstance(node, Or) else all
            if all(isinstance(operand, Word) for operand in operands):
                words = tuple(operand.text for operand in operands)
                return lambda haystack: combine(map(haystack.__getitem__, words))
            tests = tuple(_compile(operand) for operand in operands)
            return lambda haystack: combine(test(haystack) for test in tests)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the source as written, for messages, and the tree, compiled once for evaluation."""

    source: str
    root: Node
    _test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_test", _compile(self.root))

    def matches(self, text: str | Haystack) -> bool:
        """Whether the (simplified) text satisfies the expression; pass a Haystack to share searches."""
        return self._test(text if isinstance(text, Haystack) else Haystack(text))

    def words(self) -> set[str]:
        """Every word the expression names, negated ones included, as compared (Latin letters in lower case)."""
        return self.root.words()

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "(", ")", "AND", "OR", "NOT" or "end"
    text: str
    position: int


def _word_token(word: str, position: int) -> _Token:
    if word in _KEYWORDS:
        return _Token(word, word, position)
    if word.upper() in _KEYWORDS:
        hint = f'write {word.upper()} for the operator, or "{word}" for the word'
        raise ExpressionError(f"lower-case {word!r}", position, hint)
    if word.startswith(_FOREIGN_LEADING):
        hint = f'write {f"NOT {word[1:]}".rstrip()} to exclude, or "{word}" for the word'
        raise ExpressionError(repr(word), position, hint)
    for offset, char in enumerate(word):
        if char in _FOREIGN_ANYWHERE:
            hint = f"write {_FOREIGN_ANYWHERE[char]} instead, or quote the word"
            raise ExpressionError(repr(char), position + offset, hint)
    return _Token("word", fold(word), position)


def _tokens(source: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(source):
        kind, text, position = match.lastgroup, match.group(), match.start() + 1
        if kind == "paren":
            tokens.append(_Token(text, text, position))
        elif kind == "phrase":
            if not text[1:-1].strip():
                raise ExpressionError("empty phrase", position)
            tokens.append(_Token("word", fold(text[1:-1]), position))
        elif kind == "quote":
            raise ExpressionError("unclosed '\"'", position)
        elif kind == "word":
            tokens.append(_word_token(text, position))
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


class _Parser:
    """Recursive descent over: or := and (OR and)* ; and := unary ([AND] unary)* ; unary := NOT unary | primary ;
    primary := word | '(' or ')'."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._index = 0

    def _peek(self) -> _Token:
        return self._tokens[self._index]

    def _take(self) -> _Token:
        token = self._tokens[self._index]
        self._index += 1
        return token

    def expression(self) -> Node:
        root = self._any()
        extra = self._peek()
        if extra.kind == ")":
            raise ExpressionError("unbalanced ')'", extra.position)
        return root

    def _any(self) -> Node:
        operands = [self._all(after=None)]
        while self._peek().kind == "OR":
            operator = self._take()
            operands.append(self._all(after=operator))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _all(self, after: _Token | None) -> Node:
        operands = [self._unary(after)]
        while True:
            token = self._peek()
            if token.kind == "AND":
                operands.append(self._unary(after=self._take()))
            elif token.kind in ("word", "(", "NOT"):
                operands.append(self._unary(after=None))
            else:
                return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _unary(self, after: _Token | None) -> Node:
        if self._peek().kind == "NOT":
            operator = self._take()
            return Not(self._unary(after=operator))
        return self._primary(after)

    def _primary(self, after: _Token | None) -> Node:
        token = self._take()
        if token.kind == "word":
            return Word(token.text)
        if token.kind == "(":
            if self._peek().kind == ")":
                raise ExpressionError("empty parentheses", token.position)
            inner = None if self._peek().kind == "end" else self._any()
            if inner is None or self._take().kind != ")":
                raise ExpressionError("unclosed '('", token.position)
            return inner
        if after is not None:
            raise ExpressionError(f"expected a word or '(' after {after.text}", after.position)
        if token.kind == ")":
            raise ExpressionError("unbalanced ')'", token.position)
        raise ExpressionError(f"expected a word before {token.text}", token.position)


def parse(source: str) -> Expression:
    """Parse a scheme's expression; raise ExpressionError saying what is wrong and where."""
    tokens = _tokens(source)
    if len(tokens) == 1:
        raise ExpressionError("empty expression")
    return Expression(source, _Parser(tokens).expression())
