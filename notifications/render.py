"""How an alert reads: Slack Block Kit, plain text and HTML email, and a webhook body, from its typed payload.

Times are shown as absolute local times with the time left at the moment of sending, so a message read late
still says the truth about the deadline.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from yuqing.records import CaseAlert, SourceHealthAlert, TestAlert
from yuqing.vocabulary import (
    ALERT_TEXT,
    OBLIGATION_TEXT,
    OWED_OBLIGATION_STATUSES,
    PRIORITY_TEXT,
    local_time,
    time_left,
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # plain text: Slack's fallback, the email's text part, the log line
    blocks: list[dict[str, Any]]
    html: str
    alert: dict[str, Any]  # the payload as JSON, for receivers that want the data rather than the prose


def _case_lines(alert: CaseAlert, zone: ZoneInfo, now: datetime) -> list[tuple[str, str]]:
    case, lead = alert.case, alert.case.lead
    regions = "、".join(r.name for r in case.regions) or "未知（由本级属地回应）"
    severity = f" · {case.severity}级" if case.severity else ""
    lines = [
        ("类别", f"{case.category_name} · {PRIORITY_TEXT[case.priority]}{severity}"),
        ("地区", regions),
        ("回应主体", lead.name + (f"（{lead.contact}）" if lead.contact else "")),
        ("协调", "、".join(c.name for c in case.coordinators) or "-"),
    ]
    for obligation in case.obligations:
        if obligation.status in OWED_OBLIGATION_STATUSES:
            due = obligation.due_at
            label = OBLIGATION_TEXT[obligation.kind]
            lines.append((f"时限·{label}", f"{due.astimezone(zone):%m-%d %H:%M}（{time_left(due, now)}）"))
    if case.recommended_action:
        lines.append(("建议处置", case.recommended_action))
    return lines


def _source_lines(alert: SourceHealthAlert, zone: ZoneInfo) -> list[tuple[str, str]]:
    return [
        ("信息源", alert.source),
        ("原因", alert.reason or "-"),
        ("错误", alert.error or "-"),
        ("连续失败", f"{alert.consecutive_failures}次"),
        ("本次条数", str(alert.items)),
        ("最近成功", local_time(alert.last_success_at, zone) if alert.last_success_at else "从未成功"),
    ]


def render(alert: CaseAlert | SourceHealthAlert | TestAlert, zone: ZoneInfo, now: datetime) -> Rendered:
    """(label, value) lines in the order a duty officer reads them, then each format built from them."""
    kind = ALERT_TEXT[alert.kind]
    title = alert.case.title if isinstance(alert, CaseAlert) else alert.title
    subject = f"【{kind}】{title}".strip() if title else f"【{kind}】{alert.message}"[:120]
    post, console, lines = None, None, []
    if isinstance(alert, CaseAlert):
        lines, post, console = _case_lines(alert, zone, now), alert.case.post, alert.case.console_url
    elif isinstance(alert, SourceHealthAlert):
        lines = _source_lines(alert, zone)

    text = "\n".join([subject, alert.message, *(f"{k}：{v}" for k, v in lines)])
    if post is not None and post.url:
        text += f"\n代表帖文：{post.title or post.text[:40]} {post.url}"
    if console:
        text += f"\n案件详情：{console}"

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": alert.message or " "}},
    ]
    if lines:
        blocks.append(
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in lines[:10]],
            }
        )
    if post is not None:
        link = f"<{post.url}|{post.title or '原文'}>" if post.url else post.title
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*代表帖文* {link}\n>{post.text[:200]}"}})
    if console:
        blocks.append(
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "打开案件"}, "url": console}],
            }
        )

    rows = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in lines)
    post_html = (
        f"<p>代表帖文：<a href='{html.escape(post.url)}'>{html.escape(post.title or '原文')}</a></p>"
        if post is not None and post.url
        else ""
    )
    console_html = f"<p><a href='{html.escape(console)}'>打开案件</a></p>" if console else ""
    body = (
        f"<h3>{html.escape(subject)}</h3><p>{html.escape(alert.message)}</p>"
        f"<table>{rows}</table>{post_html}{console_html}"
    )
    return Rendered(subject=subject, text=text, blocks=blocks, html=body, alert=alert.model_dump(mode="json"))
