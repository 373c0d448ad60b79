"""The briefing as a document: its title lines and numbered sections (一、二、…) of paragraphs, tables and charts,
worded once from the figures. The Word, HTML and Markdown renderers only lay this out, so every format says the
same thing in the same words: Chinese, local time, names and case numbers, never an internal id."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from briefing.charts import Chart
from briefing.figures import DeadlineFigure, Figures, rate
from briefing.summary import moment_text, percent, period_text, summary, trend_text
from yuqing.vocabulary import BRIEFING_PREVIOUS, BRIEFING_TITLE, CONFIDENTIAL_MARK

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None

    def __str__(self) -> str:
        return self.text


Cell = str | Link


class Note(str):
    """A remark for the full report (Word, HTML) that a chat message leaves out."""

    __slots__ = ()


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str  # what to say instead when there is no row


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[str | Table | Chart, ...]

    def numbered(self, index: int) -> str:
        return f"{NUMERALS[index]}、{self.title}"


@dataclass(frozen=True)
class Report:
    mark: str
    title: str
    issuer: str
    date: str  # 2026年11月18日
    period: str  # 监测时段：…
    sections: tuple[Section, ...]
    summary: tuple[str, ...]
    filename: str  # without extension: 舆情日报-2026-11-18
    charts: tuple[Chart, ...] = field(default=())


def _local(moment, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _deadline_rows(items: list[DeadlineFigure], zone: ZoneInfo, *, met: bool) -> tuple[tuple[Cell, ...], ...]:
    rows = []
    for item in items:
        row: tuple[Cell, ...] = (item.case, item.title, item.obligation, item.lead, _local(item.due_at, zone))
        if met:
            row += (_local(item.met_at, zone) if item.met_at else "未完成",)
        rows.append(row)
    return tuple(rows)


def build(figures: Figures, charts: list[Chart], zone: ZoneInfo) -> Report:
    period = figures.period
    end = period.end.astimezone(zone)
    by_name = {chart.name: chart for chart in charts}
    previous = BRIEFING_PREVIOUS[period.kind]
    paragraphs = tuple(summary(figures, zone))

    sections = [Section("舆情综述", paragraphs)]
    if figures.empty:
        sections.append(Section("说明", ("本期无舆情数据，故不列热点事件、案件、回应时效和分布统计。",)))
    else:
        events = Table(
            "表1 热点事件（按热度排序）",
            ("序号", "事件", "类别", "级别", "地区", "回应主体", "热度", f"较{previous}", "代表帖文"),
            tuple(
                (
                    str(index),
                    e.title,
                    e.category_name,
                    e.severity or "—",
                    "、".join(e.regions) or "不明",
                    f"{e.responsible}（{e.case}）" if e.responsible else "未立案",
                    f"{e.heat}（帖文{e.posts}，其中转载{e.copies}；转发{e.reposts}；评论{e.comments}）",
                    trend_text(e, previous).removeprefix(f"较{previous}"),
                    Link(
                        (e.post_title or "原文")
                        + (f"（{e.post_source}，{_local(e.post_published_at, zone)}）" if e.post_source else ""),
                        e.post_url,
                    ),
                )
                for index, e in enumerate(figures.top_events, 1)
            ),
            "本期无热点事件。",
        )
        sections.append(Section("热点事件", (events,)))

        case_headers = ("案件", "标题", "类别", "紧急程度", "状态", "回应主体")

        def case_rows(items) -> tuple[tuple[Cell, ...], ...]:
            return tuple((c.case, c.title, c.category_name, c.gravity, c.status, c.lead) for c in items)

        counts = (
            f"本期新立案件{len(figures.new_cases)}件（特急{len(figures.new_critical)}件），"
            f"办结{len(figures.closed_cases)}件，期末仍在办{len(figures.open_cases)}件；"
            f"未来24小时内（自{moment_text(period.end, zone)}起）到期的回应时限{len(figures.due_soon)}项。"
        )
        sections.append(
            Section(
                "案件办理",
                (
                    counts,
                    Table("表2 新立案件", case_headers, case_rows(figures.new_cases), "本期无新立案件。"),
                    Table("表3 办结案件", case_headers, case_rows(figures.closed_cases), "本期无办结案件。"),
                    Table("表4 在办案件", case_headers, case_rows(figures.open_cases), "期末无在办案件。"),
                    Table(
                        "表5 未来24小时到期的回应时限",
                        ("案件", "标题", "时限", "回应主体", "截止时间"),
                        _deadline_rows(figures.due_soon, zone, met=False),
                        "未来24小时无到期的回应时限。",
                    ),
                ),
            )
        )

        rates = (
            f"本期到期回应时限{figures.due}项，按时完成{figures.on_time}项，"
            f"按时率{percent(rate(figures.on_time, figures.due))}；超时{len(figures.breaches)}项。"
            f"近30日到期{figures.due_30d}项，按时完成{figures.on_time_30d}项，"
            f"按时率{percent(rate(figures.on_time_30d, figures.due_30d))}。"
        )
        sections.append(
            Section(
                "回应时效",
                (
                    rates,
                    Table(
                        "表6 本期超时的回应时限",
                        ("案件", "标题", "时限", "回应主体", "截止时间", "完成时间"),
                        _deadline_rows(figures.breaches, zone, met=True),
                        "本期无超时。",
                    ),
                    Table(
                        "表7 各回应主体按时率",
                        ("回应主体", "本期到期", "本期按时", "本期按时率", "近30日到期", "近30日按时", "近30日按时率"),
                        tuple(
                            (
                                b.body,
                                str(b.due),
                                str(b.on_time),
                                percent(rate(b.on_time, b.due)),
                                str(b.due_30d),
                                str(b.on_time_30d),
                                percent(rate(b.on_time_30d, b.due_30d)),
                            )
                            for b in figures.bodies
                        ),
                        "近30日无到期的回应时限。",
                    ),
                    by_name["cases"],
                ),
            )
        )

        def share(n: int) -> str:
            return f"{n / figures.posts * 100:.1f}%" if figures.posts else "—"

        def count_table(caption: str, what: str, items) -> Table:
            return Table(
                caption,
                (what, "帖文（条）", "占比"),
                tuple((c.name, str(c.posts), share(c.posts)) for c in items),
                "本期无帖文。",
            )

        region_note = Note(
            f"另有{figures.no_region}条帖文未识别出地区。" if figures.no_region else "每条帖文计入其涉及的每个地区。"
        )
        sources = Table(
            "表11 信息源采集异常",
            ("信息源", "异常次数", "原因", "目前连续失败"),
            tuple(
                (
                    p.source,
                    str(p.failed_runs),
                    p.reason + (f"：{p.error}" if p.error else ""),
                    f"{p.consecutive_failures}次",
                )
                for p in figures.source_problems
            ),
            "本期信息源采集正常。",
        )
        sections.append(
            Section(
                "舆情分布",
                (
                    count_table("表8 各类别帖文量", "类别", figures.by_category),
                    by_name["volume"],
                    count_table("表9 各来源类型帖文量", "来源类型", figures.by_media),
                    count_table("表10 涉及地区帖文量", "地区", figures.by_region),
                    region_note,
                    by_name["regions"],
                    sources,
                ),
            )
        )

    title = BRIEFING_TITLE[period.kind]
    return Report(
        mark=CONFIDENTIAL_MARK,
        title=title,
        issuer=figures.issuer,
        date=f"{end.year}年{end.month}月{end.day}日",
        period=f"监测时段：{period_text(figures, zone)}",
        sections=tuple(sections),
        summary=paragraphs,
        filename=f"{title}-{end:%Y-%m-%d}",
        charts=tuple(charts),
    )
