"""How an alert reads: Slack Block Kit, plain text and HTML email, and a webhook body, from its typed payload.

Times are shown as absolute local times with the time left at the moment of sending, so a message read late
still says the truth about the deadline.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from yuqing.caseview import body_text, case_lines, obligation_label, obligation_text
from yuqing.records import BriefingAlert, CaseAlert, PostSummary, SourceHealthAlert, TestAlert
from yuqing.vocabulary import ALERT_TEXT, OWED_OBLIGATION_STATUSES, AlertKind, local_time

SLACK_FIELDS = 10  # Block Kit's limit of fields in one section
SLACK_SECTION = 3000  # Block Kit's limit of characters in one section's text


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # plain text: Slack's fallback, the email's text part, the log line
    blocks: list[dict[str, Any]]
    html: str
    alert: dict[str, Any]  # the payload as JSON, for receivers that want the data rather than the prose
    attachments: tuple[str, ...] = ()  # files sent along (a briefing's Word file) where the channel can carry them


def _case_lines(alert: CaseAlert, zone: ZoneInfo, now: datetime) -> list[tuple[str, str]]:
    """The case as `cases show` words it, its open deadlines, and the bodies only the duty office can reach."""
    lines = case_lines(alert.case, zone)
    for obligation in alert.case.obligations:
        if obligation.status in OWED_OBLIGATION_STATUSES:
            lines.append((f"时限·{obligation_label(obligation)}", obligation_text(obligation, zone, now)))
    if alert.without_channel:
        names = "、".join(body_text(body) for body in alert.without_channel)
        lines.append(("未配置告警通道", f"{names}：请值班室转告"))
    return lines


def _post(alert: CaseAlert) -> tuple[str, PostSummary | None]:
    """The post to show: for an upgrade, the one that raised the case (the news that changed things), else the
    most widely spread one."""
    if alert.kind == AlertKind.CASE_UPGRADED and alert.case.upgraded_by is not None:
        return "升级依据", alert.case.upgraded_by
    return "代表帖文", alert.case.post


def _source_lines(alert: SourceHealthAlert, zone: ZoneInfo) -> list[tuple[str, str]]:
    return [
        ("信息源", alert.source),
        ("原因", alert.reason or "-"),
        ("错误", alert.error or "-"),
        ("连续失败", f"{alert.consecutive_failures}次"),
        ("本次条数", str(alert.items)),
        ("最近成功", local_time(alert.last_success_at, zone) if alert.last_success_at else "从未成功"),
    ]


def _briefing(alert: BriefingAlert) -> Rendered:
    """A briefing: the chat version as Slack sections (3,000 characters each), the HTML file as an email body,
    the Word file attached."""
    subject = f"【{ALERT_TEXT[alert.kind]}】{alert.title}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}}]
    chunk = ""
    for line in alert.slack.splitlines(keepends=True):
        if len(chunk) + len(line) > SLACK_SECTION:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
            chunk = ""
        chunk += line[:SLACK_SECTION]
    if chunk.strip():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    if alert.html_file and Path(alert.html_file).exists():
        body = Path(alert.html_file).read_text(encoding="utf-8")
    else:
        body = f"<pre>{html.escape(alert.message)}</pre>"
    attachments = (alert.docx_file,) if alert.docx_file else ()
    return Rendered(
        subject=subject,
        text=alert.message,
        blocks=blocks[:50],
        html=body,
        alert=alert.model_dump(mode="json"),
        attachments=attachments,
    )


def render(alert: CaseAlert | SourceHealthAlert | BriefingAlert | TestAlert, zone: ZoneInfo, now: datetime) -> Rendered:
    """(label, value) lines in the order a duty officer reads them, then each format built from them."""
    if isinstance(alert, BriefingAlert):
        return _briefing(alert)
    kind = ALERT_TEXT[alert.kind]
    title = alert.case.title if isinstance(alert, CaseAlert) else alert.title
    subject = f"【{kind}】{title}".strip() if title else f"【{kind}】{alert.message}"[:120]
    post_label, post, console, lines = "", None, None, []
    if isinstance(alert, CaseAlert):
        lines, console = _case_lines(alert, zone, now), alert.case.console_url
        post_label, post = _post(alert)
    elif isinstance(alert, SourceHealthAlert):
        lines = _source_lines(alert, zone)
    post_title = (post.title or post.text[:40]) if post is not None else ""
    post_time = f"（{local_time(post.published_at, zone)}）" if post is not None and post.published_at else ""

    text = "\n".join([subject, alert.message, *(f"{k}：{v}" for k, v in lines)])
    if post is not None:
        text += f"\n{post_label}：{post_title}{post_time}" + (f" {post.url}" if post.url else "")
    if console:
        text += f"\n案件详情：{console}"

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": alert.message or " "}},
    ]
    for start in range(0, len(lines), SLACK_FIELDS):
        fields = [
            {"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in lines[start : start + SLACK_FIELDS]
        ]
        blocks.append({"type": "section", "fields": fields})
    if post is not None:
        link = f"<{post.url}|{post_title or '原文'}>" if post.url else post_title
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{post_label}* {link}{post_time}\n>{post.text[:200]}"},
            }
        )
    if console:
        blocks.append(
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "打开案件"}, "url": console}],
            }
        )

    rows = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in lines)
    post_html = ""
    if post is not None:
        shown = html.escape(post_title or "原文")
        linked = f"<a href='{html.escape(post.url)}'>{shown}</a>" if post.url else shown
        post_html = f"<p>{post_label}：{linked}{html.escape(post_time)}</p>"
    console_html = f"<p><a href='{html.escape(console)}'>打开案件</a></p>" if console else ""
    body = (
        f"<h3>{html.escape(subject)}</h3><p>{html.escape(alert.message)}</p>"
        f"<table>{rows}</table>{post_html}{console_html}"
    )
    return Rendered(subject=subject, text=text, blocks=blocks, html=body, alert=alert.model_dump(mode="json"))
