"""The briefing in Markdown for chat: the summary, then the top events, the deadlines due and the timeliness as
short lists, within Slack's limits (one section block holds 3,000 characters: the text is cut at a line with a
note that the rest is in the Word file). `flavour="slack"` writes Slack's mrkdwn (*bold*, <url|text>), the
default writes CommonMark, which the DingTalk and WeCom robots and Markdown viewers read."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from briefing.document import Link, Note, Report, Table

SLACK_LIMIT = 3000  # characters in one Block Kit section
CHAT_ROWS = 5
CUT = "……（以上为摘要，完整内容见Word版）"

Flavour = Literal["markdown", "slack"]


def _bold(text: str, flavour: Flavour) -> str:
    return f"*{text}*" if flavour == "slack" else f"**{text}**"


def _link(link: Link, flavour: Flavour) -> str:
    if not link.url:
        return link.text
    if flavour == "slack":
        return f"<{link.url}|{link.text.replace('|', '｜').replace('>', '＞')}>"
    return f"[{link.text.replace('[', '【').replace(']', '】')}]({link.url})"


def _cell(cell, flavour: Flavour) -> str:
    return _link(cell, flavour) if isinstance(cell, Link) else str(cell)


def _table_lines(table: Table, flavour: Flavour) -> list[str]:
    """A table as a short list: its first rows, each `label：value` joined, for a chat window."""
    if not table.rows:
        return [table.empty]
    lines = []
    for row in table.rows[:CHAT_ROWS]:
        lines.append("- " + "，".join(f"{h}：{_cell(c, flavour)}" for h, c in zip(table.headers, row, strict=True)))
    if len(table.rows) > CHAT_ROWS:
        lines.append(f"- 等共{len(table.rows)}项，详见Word版")
    return lines


def markdown(report: Report, zone: ZoneInfo, flavour: Flavour = "markdown", limit: int = SLACK_LIMIT) -> str:
    heading = (lambda text: _bold(text, flavour)) if flavour == "slack" else (lambda text: f"## {text}")
    title = (
        _bold(f"{report.title}（{report.date}）", flavour)
        if flavour == "slack"
        else f"# {report.title}（{report.date}）"
    )
    lines = [title, f"{report.mark} · {report.issuer} · {report.period}", ""]
    for index, section in enumerate(report.sections):
        said = []
        for block in section.blocks:
            if isinstance(block, str) and not isinstance(block, Note):
                said += [block, ""]
            elif isinstance(block, Table) and block.caption.split(" ", 1)[-1] in CHAT_TABLES:
                said += [_bold(block.caption.split(" ", 1)[-1], flavour), *_table_lines(block, flavour), ""]
        lines += [heading(section.numbered(index)), "", *(said or ["（详见Word版）", ""])]
    text = "\n".join(lines).strip() + "\n"
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for line in text.splitlines():
        if len("\n".join([*kept, line, CUT])) > limit:
            break
        kept.append(line)
    return "\n".join([*kept, CUT]) + "\n"


# The tables a chat message carries (by caption, without its number); the rest is in the Word and HTML files.
CHAT_TABLES = ("热点事件（按热度排序）", "未来24小时到期的回应时限", "本期超时的回应时限")
