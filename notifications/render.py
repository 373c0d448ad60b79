"""How an alert reads: Slack Block Kit, plain text and HTML email, and a webhook body, from the outbox payload.

Times are shown as absolute local times with the time left at the moment of sending, so a message read late
still says the truth about the deadline.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from yuqing.vocabulary import ALERT_TEXT, OBLIGATION_TEXT, PRIORITY_TEXT, AlertKind, ObligationKind, Priority, time_left


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # plain text: Slack's fallback, the email's text part, the log line
    blocks: list[dict[str, Any]]
    html: str
    alert: dict[str, Any]  # the payload itself, for receivers that want the data rather than the prose


def _lines(payload: dict[str, Any], zone: ZoneInfo, now: datetime) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order a duty officer reads them."""
    if "case_id" not in payload:
        return [(key, str(value)) for key, value in payload.items() if key not in ("message", "title", "kind")]
    regions = "、".join(r["name"] for r in payload.get("regions", [])) or "未知（由本级属地回应）"
    severity = f" · {payload['severity']}级" if payload.get("severity") else ""
    lines = [
        (
            "类别",
            f"{payload.get('category_name', payload['category'])} · {PRIORITY_TEXT[Priority(payload['priority'])]}"
            f"{severity}",
        ),
        ("地区", regions),
        (
            "回应主体",
            payload["lead"]["name"] + (f"（{payload['lead']['contact']}）" if payload["lead"].get("contact") else ""),
        ),
        ("协调", "、".join(c["name"] for c in payload.get("coordinators", [])) or "-"),
    ]
    for deadline in payload.get("deadlines", []):
        if deadline["status"] in ("open", "breached"):
            due = datetime.fromisoformat(deadline["due_at"])
            label = OBLIGATION_TEXT[ObligationKind(deadline["kind"])]
            lines.append((f"时限·{label}", f"{due.astimezone(zone):%m-%d %H:%M}（{time_left(due, now)}）"))
    if payload.get("recommended_action"):
        lines.append(("建议处置", payload["recommended_action"]))
    return lines


def render(payload: dict[str, Any], zone: ZoneInfo, now: datetime) -> Rendered:
    kind = ALERT_TEXT[AlertKind(payload["kind"])]
    title = payload.get("title") or ""
    subject = f"【{kind}】{title}".strip() if title else f"【{kind}】{payload.get('message', '')}"[:120]
    lines = _lines(payload, zone, now)
    post = payload.get("post") or {}
    console = payload.get("console_url")

    text = "\n".join([subject, payload.get("message", ""), *(f"{k}：{v}" for k, v in lines)])
    if post.get("url"):
        text += f"\n代表帖文：{post.get('title') or post.get('text', '')[:40]} {post['url']}"
    if console:
        text += f"\n案件详情：{console}"

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": payload.get("message", "") or " "}},
    ]
    if lines:
        blocks.append(
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in lines[:10]],
            }
        )
    if post:
        link = f"<{post['url']}|{post.get('title') or '原文'}>" if post.get("url") else post.get("title", "")
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*代表帖文* {link}\n>{post.get('text', '')[:200]}"}}
        )
    if console:
        blocks.append(
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "打开案件"}, "url": console}],
            }
        )

    rows = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in lines)
    post_html = (
        f"<p>代表帖文：<a href='{html.escape(post['url'])}'>{html.escape(post.get('title') or '原文')}</a></p>"
        if post.get("url")
        else ""
    )
    console_html = f"<p><a href='{html.escape(console)}'>打开案件</a></p>" if console else ""
    body = (
        f"<h3>{html.escape(subject)}</h3><p>{html.escape(payload.get('message', ''))}</p>"
        f"<table>{rows}</table>{post_html}{console_html}"
    )
    return Rendered(subject=subject, text=text, blocks=blocks, html=body, alert=payload)
