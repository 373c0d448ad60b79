"""Writing a briefing: gather its figures, draw its charts, lay it out in each format and save the files.

File names say what and when (舆情日报-2026-11-18.docx); writing the same briefing again overwrites its files
with the same content, so a crash half-way leaves nothing a rerun cannot fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from briefing.charts import charts
from briefing.document import Report, build
from briefing.figures import UNLABELLED, UNLABELLED_TEXT, Figures, Period, gather
from briefing.to_docx import docx
from briefing.to_html import html
from briefing.to_markdown import markdown
from yuqing.settings import Settings

FORMATS = ("docx", "html", "md")


@dataclass(frozen=True)
class Written:
    figures: Figures
    report: Report
    files: dict[str, Path]  # format → file


def category_names(settings: Settings) -> dict[str, str]:
    names = {str(key): info.name for key, info in settings.categories.categories.items()}
    return {**names, UNLABELLED: UNLABELLED_TEXT}


def out_folder(settings: Settings) -> Path:
    folder = Path(settings.briefing.folder)
    return folder if folder.is_absolute() else settings.data_dir / folder


def write(
    session: Session, settings: Settings, period: Period, now: datetime, out: Path, formats: tuple[str, ...] = FORMATS
) -> Written:
    zone = settings.timezone
    figures = gather(session, settings, period, now)
    drawn = [] if figures.empty else charts(figures, zone, category_names(settings))
    report = build(figures, drawn, zone)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for kind in formats:
        path = out / f"{report.filename}.{kind}"
        if kind == "docx":
            docx(report, settings.briefing.fonts, path)
        elif kind == "html":
            path.write_text(html(report), encoding="utf-8")
        else:
            path.write_text(markdown(report, zone), encoding="utf-8")
        files[kind] = path
    return Written(figures, report, files)
