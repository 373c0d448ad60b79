"""Every vocabulary of the pipeline, defined once: the ids (DOMAIN.md's, fixed: they are the interface), their
order where one is graver than another, and the Chinese a person reads for each.

The ids are `StrEnum`s, so a member is its id wherever a string is stored, compared or written as JSON, and a
stage can never misspell one. What people read (alerts, tables, pages, reports) comes from `label()` and the
`*_TEXT` tables here, never from an id; wording that depends on config (a category's full name, a handling
type's recommended action, a domain's name) stays in config.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class Category(StrEnum):
    """The collection-priority list (舆情收集重点), DOMAIN.md §1."""

    POLICY = "policy"
    PUBLIC_INTEREST = "public_interest"
    CREDIBILITY = "credibility"
    EMERGENCY = "emergency"
    MORAL = "moral"
    RUMOR = "rumor"
    OTHER = "other"


class Handling(StrEnum):
    """The handling types of 研判处置, DOMAIN.md §4."""

    SUGGESTION = "suggestion"
    DIFFICULTY = "difficulty"
    MAJOR_ISSUE = "major_issue"
    UNCLEAR = "unclear"
    WRONG_VIEW = "wrong_view"
    FALSE_INFO = "false_info"


class Severity(StrEnum):
    """The national emergency-plan levels, gravest first (DOMAIN.md §2)."""

    I = "I"  # noqa: E741 (the level's own name)
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def rank(self) -> int:
        """Higher is graver: IV 1 … I 4 (no severity is 0, see `severity_rank`)."""
        return len(SEVERITY_GRAVEST_FIRST) - SEVERITY_GRAVEST_FIRST.index(self)


SEVERITY_GRAVEST_FIRST = tuple(Severity)


def severity_rank(severity: str | None) -> int:
    return Severity(severity).rank if severity else 0


class Priority(StrEnum):
    """DOMAIN.md §3, in rising order: a priority only ever rises automatically."""

    LOW = "low"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return tuple(Priority).index(self)


def priority_of(category: str, severity: str | None, critical_severities: Iterable[str] = ("I", "II")) -> Priority:
    """DOMAIN.md §3: critical for an emergency at a critical severity, low for `other`, high for the rest."""
    if category == Category.EMERGENCY and severity in set(critical_severities):
        return Priority.CRITICAL
    return Priority.LOW if category == Category.OTHER else Priority.HIGH


def gravity(priority: str, severity: str | None) -> tuple[int, int]:
    """How grave a set of labels is: by priority, then severity (what an upgrade compares)."""
    return Priority(priority).rank, severity_rank(severity)


class Level(StrEnum):
    """Levels of government, from the top (the order `adcodes` relies on)."""

    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class Media(StrEnum):
    NEWS = "news"
    GOV = "gov"
    WEIBO = "weibo"
    WECHAT = "wechat"
    FORUM = "forum"
    DOUYIN = "douyin"


class CaseStatus(StrEnum):
    """open → acknowledged → (released → press_held) or responded; closed, dismissed and merged end a case."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RELEASED = "released"
    PRESS_HELD = "press_held"
    RESPONDED = "responded"
    CLOSED = "closed"
    DISMISSED = "dismissed"
    MERGED = "merged"

    @property
    def is_active(self) -> bool:
        return self not in ENDED_CASE_STATUSES


ENDED_CASE_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.DISMISSED, CaseStatus.MERGED})
ACTIVE_CASE_STATUSES = tuple(status for status in CaseStatus if status.is_active)


class ObligationKind(StrEnum):
    """The response clocks (DOMAIN.md §5)."""

    RELEASE = "release"  # authoritative information, 5 h
    PRESS_CONFERENCE = "press_conference"  # 24 h
    FOLLOW_UP = "follow_up"  # keep releasing after the press conference
    RESPOND = "respond"  # every other case, 48 h


class ObligationStatus(StrEnum):
    OPEN = "open"
    BREACHED = "breached"  # still owed: meeting it late is recorded
    MET = "met"
    CANCELLED = "cancelled"


OWED_OBLIGATION_STATUSES = (ObligationStatus.OPEN, ObligationStatus.BREACHED)


class AlertKind(StrEnum):
    CASE_OPENED = "case_opened"
    CASE_UPGRADED = "case_upgraded"
    CASE_REASSIGNED = "case_reassigned"  # who answers changed: a person reassigned it, or its place settled
    WARNING = "warning"
    BREACH = "breach"
    SOURCE_HEALTH = "source_health"
    BRIEFING = "briefing"  # the morning briefing (舆情日报) and its weekly and monthly variants
    TEST = "test"


class AlertState(StrEnum):
    """An outbox row's life: see notifications.dispatcher."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    LOGGED = "logged"
    CANCELLED = "cancelled"


class BriefingPeriod(StrEnum):
    """What a briefing covers: the 24 hours before the morning hour, or the week or month before it."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class SourceType(StrEnum):
    RSS = "rss"
    HTML = "html"
    JSON = "json"


# --- what people read ---------------------------------------------------------------------------------------

PRIORITY_TEXT = {Priority.CRITICAL: "特急", Priority.HIGH: "重要", Priority.LOW: "一般"}
SEVERITY_TEXT = {Severity.I: "特别重大", Severity.II: "重大", Severity.III: "较大", Severity.IV: "一般"}
SEVERITY_GRADE_TEXT = {Severity.I: "Ⅰ级", Severity.II: "Ⅱ级", Severity.III: "Ⅲ级", Severity.IV: "Ⅳ级"}  # as plans write
LEVEL_TEXT = {Level.NATIONAL: "国家", Level.PROVINCE: "省级", Level.CITY: "市级", Level.COUNTY: "县级"}
CASE_STATUS_TEXT = {
    CaseStatus.OPEN: "待处置",
    CaseStatus.ACKNOWLEDGED: "已签收",
    CaseStatus.RELEASED: "已发布权威信息",
    CaseStatus.PRESS_HELD: "已召开发布会",
    CaseStatus.RESPONDED: "已回应",
    CaseStatus.CLOSED: "已办结",
    CaseStatus.DISMISSED: "已排除",
    CaseStatus.MERGED: "已合并",
}
OBLIGATION_TEXT = {
    ObligationKind.RELEASE: "发布权威信息",
    ObligationKind.PRESS_CONFERENCE: "举行新闻发布会",
    ObligationKind.FOLLOW_UP: "持续发布权威信息",
    ObligationKind.RESPOND: "回应关切",
}
OBLIGATION_STATUS_TEXT = {
    ObligationStatus.OPEN: "进行中",
    ObligationStatus.BREACHED: "已超时",
    ObligationStatus.MET: "已完成",
    ObligationStatus.CANCELLED: "已取消",
}
ALERT_STATE_TEXT = {
    AlertState.PENDING: "待发送",
    AlertState.SENDING: "发送中",
    AlertState.SENT: "已送达",
    AlertState.FAILED: "发送失败",
    AlertState.LOGGED: "仅写入日志，配置通道后可用 yuqing alerts retry 重发",
    AlertState.CANCELLED: "已取消",
}
# What people did to a case, by the audit trail's action names (responder/lifecycle.py and cases.py write them).
CASE_ACTION_TEXT = {
    "case.open": "立案",
    "case.upgrade": "升级",
    "case.ack": "签收",
    "case.release": "发布权威信息",
    "case.press": "召开新闻发布会",
    "case.respond": "回应关切",
    "case.close": "办结",
    "case.dismiss": "排除（误报）",
    "case.reassign": "改派",
    "case.correct": "更正类别",
    "case.category": "类别自动变更",
    "case.merge": "合并",
    "case.absorb": "接收合并",
    "case.split": "拆出帖文另立新案",
    "case.split_off": "由拆分立案",
    "case.attach": "并入帖文或事件",
    "case.raise": "由帖文人工立案",
}
SYSTEM_ACTOR = "system"  # the audit trail's actor for what the monitor did by itself
SYSTEM_ACTOR_TEXT = "系统"
# Rule 7 (DOMAIN.md §6), in the words of seed 001 三(二): for 特别重大 the level's government itself leads.
PRINCIPAL_LEADER_TEXT = (
    "本级政府（{government}）主要负责同志要切实负起领导责任，指导、协调、督促相关部门做好舆情回应工作"
)
ALERT_TEXT = {
    AlertKind.CASE_OPENED: "新案件",
    AlertKind.CASE_UPGRADED: "案件升级",
    AlertKind.CASE_REASSIGNED: "案件改派",
    AlertKind.WARNING: "时限预警",
    AlertKind.BREACH: "超时",
    AlertKind.SOURCE_HEALTH: "采集异常",
    AlertKind.BRIEFING: "舆情简报",
    AlertKind.TEST: "测试",
}
MEDIA_TEXT = {
    Media.NEWS: "新闻网站",
    Media.GOV: "政务网站",
    Media.WEIBO: "微博",
    Media.WECHAT: "微信",
    Media.FORUM: "论坛",
    Media.DOUYIN: "抖音",
}
# Why a crawl of a source failed, by the crawler's error kinds (crawler/health.py writes them).
SOURCE_ERROR_TEXT = {
    "http_status": "网站返回错误状态",
    "timeout": "连接超时",
    "connection": "无法连接",
    "too_large": "页面过大",
    "redirect_loop": "循环跳转",
    "robots": "robots.txt禁止采集",
    "captcha": "遇到验证码",
    "login": "需要登录",
    "parse": "页面解析失败",
    "empty_parse": "未解析到内容",
    "volume_collapse": "采集量骤降",
}
BRIEFING_TITLE = {BriefingPeriod.DAY: "舆情日报", BriefingPeriod.WEEK: "舆情周报", BriefingPeriod.MONTH: "舆情月报"}
BRIEFING_PREVIOUS = {BriefingPeriod.DAY: "前一日", BriefingPeriod.WEEK: "上周", BriefingPeriod.MONTH: "上月"}
CONFIDENTIAL_MARK = "内部资料"


def severity_label(severity: str) -> str:
    """A severity as a person names it: 重大（Ⅱ级）."""
    return f"{SEVERITY_TEXT[Severity(severity)]}（{SEVERITY_GRADE_TEXT[Severity(severity)]}）"


def gravity_label(priority: str, severity: str | None) -> str:
    """How urgent and how grave a case is, as an upgrade names it: 特急 · 重大（Ⅱ级）, or 重要."""
    urgency = PRIORITY_TEXT[Priority(priority)]
    return f"{urgency} · {severity_label(severity)}" if severity else urgency


def case_number(case_id: int) -> str:
    """The number people use for a case (the one `yuqing cases show N` takes): 12号案件."""
    return f"{case_id}号案件"


def time_left(due_at: datetime, now: datetime) -> str:
    """The time to a deadline as a person says it: 剩余3小时20分钟, or 已超时1小时5分钟."""
    minutes = int((due_at - now).total_seconds() // 60)
    if minutes < 0:
        return f"已超时{-minutes // 60}小时{-minutes % 60}分钟"
    return f"剩余{minutes // 60}小时{minutes % 60}分钟"


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment as the press office reads it: local, to the minute; '-' when there is none."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "-"
