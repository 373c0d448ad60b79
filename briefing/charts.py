"""The briefing's charts (matplotlib, PNG): volume by category per day, cases opened with the on-time rate, and
the top regions. Chinese labels need a CJK font: the system's Noto Sans CJK when it is installed, else the Noto
Sans CJK SC that the `mplfonts` package ships (no root, no download). `cjk_font()` says which one is used.

Figures are built with `matplotlib.figure.Figure` (not pyplot), so drawing keeps no global state and is safe in
the service's worker threads.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from briefing.figures import Figures

SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
PACKAGED_FONT = "NotoSansCJKsc-Regular.otf"  # in mplfonts/fonts
DPI = 150
TOP_REGIONS = 10


@dataclass(frozen=True)
class Chart:
    name: str
    caption: str
    png: bytes


def _packaged_font() -> Path | None:
    spec = importlib.util.find_spec("mplfonts")  # located, not imported: its import touches matplotlib's config
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / PACKAGED_FONT
    return path if path.exists() else None


@cache
def cjk_font() -> str:
    """The family name of the CJK font the charts use, registered with matplotlib (once per process)."""
    candidates = [Path(p) for p in SYSTEM_FONTS if Path(p).exists()]
    packaged = _packaged_font()
    if packaged:
        candidates.append(packaged)
    if not candidates:
        raise RuntimeError("no CJK font: install the pinned requirements (mplfonts ships one) or fonts-noto-cjk")
    font_manager.fontManager.addfont(str(candidates[0]))
    return font_manager.FontProperties(fname=str(candidates[0])).get_name()


def style() -> dict[str, object]:
    return {"font.family": [cjk_font(), "DejaVu Sans"], "axes.unicode_minus": False, "font.size": 10}


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _labels(figures: Figures, zone: ZoneInfo) -> list[str]:
    """A day runs from the briefing hour, so it is named by the date it ends on (the morning it is reported)."""
    ends = [(day.start + timedelta(days=1)).astimezone(zone) for day in figures.days]
    return [f"{end.month}/{end.day}" for end in ends]


def volume_chart(figures: Figures, zone: ZoneInfo, names: dict[str, str]) -> Chart:
    labels = _labels(figures, zone)
    order = list(names)
    keys = sorted(
        {k for day in figures.days for k in day.by_category},
        key=lambda k: (k not in names, order.index(k) if k in names else 0, k),
    )
    with rc_context(style()):
        figure = Figure(figsize=(8, 3.6), dpi=DPI)
        axes = figure.add_subplot()
        bottom = [0] * len(labels)
        for key in keys:
            values = [day.by_category.get(key, 0) for day in figures.days]
            axes.bar(labels, values, bottom=bottom, label=names.get(key, key))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.set_title(f"近{len(labels)}日各类别帖文量")
        axes.set_ylabel("帖文（条）")
        if keys:
            axes.legend(fontsize=8, ncols=min(4, len(keys)), loc="upper left")
        figure.tight_layout()
        return Chart(
            "volume", f"图1 近{len(labels)}日各类别帖文量（按日，截至每日{_hour(figures, zone)}）", png(figure)
        )


def _hour(figures: Figures, zone: ZoneInfo) -> str:
    end = figures.period.end.astimezone(zone)
    return f"{end.hour}时" + (f"{end.minute}分" if end.minute else "")


def cases_chart(figures: Figures, zone: ZoneInfo) -> Chart:
    labels = _labels(figures, zone)
    with rc_context(style()):
        figure = Figure(figsize=(8, 3.6), dpi=DPI)
        axes = figure.add_subplot()
        axes.bar(labels, [day.cases_opened for day in figures.days], color="#4c72b0", label="新立案件")
        axes.set_ylabel("新立案件（件）")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        rates = axes.twinx()
        points = [
            (label, day.on_time / day.due * 100) for label, day in zip(labels, figures.days, strict=True) if day.due
        ]
        if points:
            rates.plot([p[0] for p in points], [p[1] for p in points], color="#c44e52", marker="o", label="按时率")
        rates.set_ylim(0, 105)
        rates.set_ylabel("回应按时率（%）")
        axes.set_title("新立案件与回应按时率")
        handles = axes.get_legend_handles_labels()
        more = rates.get_legend_handles_labels()
        axes.legend(handles[0] + more[0], handles[1] + more[1], fontsize=8, loc="upper left")
        figure.tight_layout()
        return Chart("cases", "图2 新立案件与回应按时率（按日）", png(figure))


def regions_chart(figures: Figures) -> Chart:
    top = figures.by_region[:TOP_REGIONS]
    with rc_context(style()):
        figure = Figure(figsize=(8, 0.8 + 0.35 * max(len(top), 3)), dpi=DPI)
        axes = figure.add_subplot()
        axes.barh([r.name for r in reversed(top)], [r.posts for r in reversed(top)], color="#55a868")
        axes.set_xlabel("帖文（条）")
        axes.set_title("涉及地区帖文量（前10位）")
        if not top:
            axes.text(0.5, 0.5, "本期无可识别地区的帖文", ha="center", va="center", transform=axes.transAxes)
        figure.tight_layout()
        return Chart("regions", "图3 涉及地区帖文量（前10位）", png(figure))


def charts(figures: Figures, zone: ZoneInfo, category_names: dict[str, str]) -> list[Chart]:
    return [volume_chart(figures, zone, category_names), cases_chart(figures, zone), regions_chart(figures)]
