"""The summary (综述) of a briefing, written from its figures: each sentence is chosen by what the figures say
(a rise or a fall, no critical case or several, no deadline missed or which ones), so an ordinary day reads
as about 500 characters and an empty one as a sentence or two, never a template with blanks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from briefing.figures import EventFigure, Figures, rate
from yuqing.vocabulary import BRIEFING_PREVIOUS, BriefingPeriod

STEADY = 0.05  # within ±5 % of the comparison volume reads as 基本持平
SUMMARY_EVENTS = 3


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """11月18日8时 (with minutes when there are any): how a briefing names a moment."""
    local = moment.astimezone(zone)
    minutes = f"{local.minute}分" if local.minute else ""
    return f"{local.month}月{local.day}日{local.hour}时{minutes}"


def period_text(figures: Figures, zone: ZoneInfo) -> str:
    """2026年11月17日8时至11月18日8时."""
    start = figures.period.start.astimezone(zone)
    return f"{start.year}年{moment_text(start, zone)}至{moment_text(figures.period.end, zone)}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def change_text(now: float, before: float | None) -> str:
    if before is None:
        return "此前7日无可比数据"
    if before == 0:
        return "此前7日日均为0条"
    change = (now - before) / before
    if abs(change) < STEADY:
        return f"与此前7日日均（{before:.1f}条）基本持平"
    direction = "上升" if change > 0 else "下降"
    return f"较此前7日日均（{before:.1f}条）{direction}{abs(change) * 100:.1f}%"


def trend_text(event: EventFigure, previous: str = "前一日") -> str:
    """较前一日上升50.0% / 新出现 / 持平."""
    if event.previous_heat == 0:
        return "新出现"
    change = (event.heat - event.previous_heat) / event.previous_heat
    if change == 0:
        return f"与{previous}持平"
    return f"较{previous}{'上升' if change > 0 else '下降'}{abs(change) * 100:.1f}%"


def _volume(figures: Figures) -> str:
    copies = f"（含转载{figures.copies}条）" if figures.copies else ""
    if figures.period.kind == BriefingPeriod.DAY:
        said = f"共监测到相关帖文{figures.posts}条{copies}，"
    else:
        said = f"共监测到相关帖文{figures.posts}条{copies}，日均{figures.daily_posts:.1f}条，"
    said += change_text(figures.daily_posts, figures.baseline_daily) + "。"
    labelled = [c for c in figures.by_category if c.key != "other"]
    if labelled and figures.posts:
        first = labelled[0]
        said += f"从类别看，{first.name}类最多（{first.posts}条，占{first.posts / figures.posts * 100:.1f}%）"
        rest = "、".join(f"{c.name}类{c.posts}条" for c in labelled[1:3])
        said += f"，其次为{rest}。" if rest else "。"
    if figures.by_region:
        said += "涉及地区以" + "、".join(f"{r.name}（{r.posts}条）" for r in figures.by_region[:3]) + "居多。"
    return said


def _events(figures: Figures) -> str:
    if not figures.top_events:
        return ""
    previous = BRIEFING_PREVIOUS[figures.period.kind]
    named = []
    for event in figures.top_events[:SUMMARY_EVENTS]:
        grade = f"，{event.severity}" if event.severity else ""
        who = f"，由{event.responsible}回应" if event.responsible else "，尚未立案"
        named.append(
            f"“{event.title}”（{event.category_name}{grade}，热度{event.heat}，{trend_text(event, previous)}{who}）"
        )
    return "热度居前的事件为：" + "；".join(named) + "。"


def _cases(figures: Figures, zone: ZoneInfo) -> str:
    new, critical = figures.new_cases, figures.new_critical
    if not (new or figures.closed_cases or figures.open_cases):
        return "本期无新立案件，亦无在办案件。"
    said = f"本期新立案件{len(new)}件"
    if critical:
        names = "、".join(f"{c.case}“{c.title}”（{c.gravity}）" for c in critical[:3])
        said += f"，其中特急案件{len(critical)}件：{names}"
    elif new:
        said += "，无特急案件"
    said += f"；办结{len(figures.closed_cases)}件，期末仍在办{len(figures.open_cases)}件。"
    return said


def _deadlines(figures: Figures, zone: ZoneInfo) -> str:
    said = ""
    if figures.breaches:
        names = "、".join(f"{b.case}的{b.obligation}（{b.lead}）" for b in figures.breaches[:3])
        more = f"等{len(figures.breaches)}项" if len(figures.breaches) > 3 else ""
        said += f"本期有{len(figures.breaches)}项回应时限超时：{names}{more}。"
    if figures.due_soon:
        first = figures.due_soon[0]
        said += (
            f"未来24小时内有{len(figures.due_soon)}项回应时限到期，最早为{first.case}“{first.title}”的"
            f"{first.obligation}（{moment_text(first.due_at, zone)}前，{first.lead}）。"
        )
    if figures.due:
        share = percent(rate(figures.on_time, figures.due))
        said += f"本期到期回应时限{figures.due}项，按时完成{figures.on_time}项，按时率{share}"
    elif figures.due_30d:
        said += "本期无到期回应时限"
    if figures.due_30d:
        said += f"；近30日按时率{percent(rate(figures.on_time_30d, figures.due_30d))}"
        laggards = [b for b in figures.bodies if b.due_30d and b.on_time_30d < b.due_30d]
        if laggards:
            worst = min(laggards, key=lambda b: (b.on_time_30d / b.due_30d, -b.due_30d))
            said += f"，{worst.body}最低（{percent(rate(worst.on_time_30d, worst.due_30d))}）"
        said += "。"
    elif figures.due:
        said += "。"
    return said


def _sources(figures: Figures) -> str:
    if not figures.source_problems:
        return ""
    names = "、".join(p.source for p in figures.source_problems[:3])
    return f"另有{len(figures.source_problems)}个信息源采集异常（{names}），监测可能不全。"


def summary(figures: Figures, zone: ZoneInfo) -> list[str]:
    """The summary as paragraphs."""
    opening = f"{period_text(figures, zone)}，"
    if figures.empty:
        text = opening + "未监测到相关帖文，无新立案件，无到期回应时限。"
        return [text + _sources(figures)]
    first = opening + (_volume(figures) if figures.posts else "未监测到相关帖文。")
    paragraphs = [first + _events(figures), _cases(figures, zone) + _deadlines(figures, zone) + _sources(figures)]
    return [p for p in paragraphs if p]
