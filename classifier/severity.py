"""The severity level of an emergency (DOMAIN.md §2): the gravest level that any one criterion gives.

The criteria are the figures the post states (deaths plus missing, serious injuries, direct loss, earthquake
magnitude; `classifier.figures` reads them) and explicit wording about the incident (特别重大, 重大事故). Every
threshold and phrase comes from `config/categories.yaml`, so the office can change the levels without code.

Wording (config `severity_wording`) counts only about the incident: 重大透水事故 is 重大事故, but 重大决策, 重大问题,
重大事故隐患, 重大突发事件应急预案, 重大责任事故罪 and 不属于重大事故 are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from classifier.casualties import CLAUSE_BREAK
from classifier.figures import Figures, fold
from yuqing.config_models import CategoriesConfig
from yuqing.vocabulary import SEVERITY_GRAVEST_FIRST

# Wording counts only about an incident: it names one (重大事故) or one follows in its clause (特别重大火灾事故), and
# it is not a hazard, a plan or a policy (重大事故隐患, 重大突发事件应急预案, 重大决策) nor denied or prevented.
_INCIDENT = re.compile(r"事故|事件|火灾|灾害|灾难|爆炸|地震|险情|疫情|泄漏|坍塌|垮塌|透水|矿难|洪灾")
_NOT_INCIDENT_AFTER = re.compile(
    r"隐患|风险|预案|演练|防范|预防|的发生|决策|政策|问题|项目|部署|改革|工程|会议|罪|预警|性天气"
)
_NOT_INCIDENT_BEFORE = re.compile(
    r"防范|防御|遏制|预防|杜绝|避免|防止|排查|整治|消除|严防|谨防|不属于|不是|未构成|并非|非"
)
_KIND_INSIDE = ("事故", "灾害")
_WINDOW = 10
SERIOUS = "serious_injuries"  # the criterion's name in config


@lru_cache(maxsize=8)
def _wording_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """The configured phrases as one pattern, phrase i in group `w<i>`; a phrase ending in 事故 or 灾害 also matches
    with the kind inside (重大透水事故, 特别重大火灾事故, 重大山洪灾害). Cached because the config rarely changes."""
    bodies = []
    for i, phrase in enumerate(phrases):
        body = re.escape(phrase)
        if phrase.endswith(_KIND_INSIDE):
            body = re.escape(phrase[:-2]) + rf"[^\s\d{CLAUSE_BREAK}]{{0,6}}?" + re.escape(phrase[-2:])
        bodies.append(f"(?P<w{i}>{body})")
    first = "".join(sorted({phrase[0] for phrase in phrases}))  # a lookahead passes over every other position
    return re.compile(f"(?=[{re.escape(first)}])(?:" + "|".join(bodies) + ")")


def _wording_levels(text: str, categories: CategoriesConfig) -> list[str]:
    """Levels the post states in words about the incident itself."""
    if not categories.severity_wording:
        return []
    phrases = tuple(sorted(categories.severity_wording, key=len, reverse=True))  # 特别重大事故 before 重大事故
    levels = []
    for match in _wording_pattern(phrases).finditer(text):
        before = text[max(0, match.start() - 4) : match.start()]
        after = re.split(f"[{CLAUSE_BREAK}]", text[match.end() : match.end() + _WINDOW], maxsplit=1)[0]
        about = match.group() + after
        if (
            _INCIDENT.search(about)
            and not _NOT_INCIDENT_AFTER.search(about)
            and not _NOT_INCIDENT_BEFORE.search(before)
        ):
            levels.append(categories.severity_wording[phrases[int(str(match.lastgroup)[1:])]])
    return levels


def _level(criterion: str, value: float | None, categories: CategoriesConfig) -> str | None:
    """The gravest level whose threshold the value reaches."""
    if value is None:
        return None
    for level in SEVERITY_GRAVEST_FIRST:
        threshold = getattr(categories.severity[level], criterion)
        if threshold is not None and value >= threshold:
            return level
    return None


def severity_of(figures: Figures, text: str, categories: CategoriesConfig) -> str | None:
    """The gravest level that any single criterion gives; None when neither figures nor wording give one."""
    dead_or_missing = None
    if figures.deaths is not None or figures.missing is not None:
        dead_or_missing = (figures.deaths or 0) + (figures.missing or 0)
    serious = figures.serious_injuries
    # Injured, none stated serious: the level is certain when as many serious as there can be give the level that
    # none gives (3人受伤 is IV); 120多人受伤 may hide 100 serious, and gives no level by itself.
    at_most = figures.serious_at_most
    if serious is None and at_most is not None:
        serious = 0 if _level(SERIOUS, at_most, categories) == _level(SERIOUS, 0, categories) else None
    found = [
        _level("deaths", dead_or_missing, categories),
        _level(SERIOUS, serious, categories),
        _level("direct_loss_cny", figures.loss_cny, categories),
        _level("magnitude", figures.magnitude, categories),
        *_wording_levels(fold(text), categories),
    ]
    levels = [level for level in found if level is not None]
    return min(levels, key=SEVERITY_GRAVEST_FIRST.index) if levels else None
