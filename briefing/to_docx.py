"""The briefing as a Word file in the house style of a press office: the 内部资料 mark, the title, the issuing
unit and date over a red rule, the monitoring period, numbered sections (一、二、…) in the heading font, body
text in the body font (names and sizes from briefing.yaml's `fonts`), tables, the charts, page numbers.

Word takes Chinese text from a run's East Asian font (`w:eastAsia`), which python-docx's `font.name` does not
set, so `_font` sets both."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefing.charts import Chart
from briefing.document import Link, Report, Table
from yuqing.config_models import BriefingFonts, FontStyle

RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)


def _font(target, style: FontStyle, *, bold: bool = False, color: RGBColor = BLACK) -> None:
    """Font name (Latin and East Asian), size and colour of a run or a style."""
    target.font.name = style.name
    target.font.size = Pt(style.points)
    target.font.bold = bold
    target.font.color.rgb = color
    properties = target._element.get_or_add_rPr()  # a run's <w:r> or a style's <w:style>
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), style.name)


def _paragraph(document, text: str, style: FontStyle, *, bold=False, color=BLACK, align=None, indent=True):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(style.points * 2)
    _font(paragraph.add_run(text), style, bold=bold, color=color)
    return paragraph


def _bottom_rule(paragraph, color: str = "C00000") -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _page_number(section, style: FontStyle) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), style)
    run = paragraph.add_run()
    _font(run, style)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), style)


def _link(paragraph, link: Link, style: FontStyle) -> None:
    """A clickable link (the representative post), blue and underlined."""
    if not link.url:
        _font(paragraph.add_run(link.text), style)
        return
    relation = paragraph.part.relate_to(
        link.url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = paragraph.add_run(link.text)
    _font(run, style, color=RGBColor(0x05, 0x63, 0xC1))
    run.font.underline = True
    hyperlink.append(run._r)
    paragraph._p.append(hyperlink)


def _table(document, table: Table, fonts: BriefingFonts) -> None:
    caption = _paragraph(document, table.caption, fonts.table, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    caption.paragraph_format.keep_with_next = True
    if not table.rows:
        _paragraph(document, table.empty, fonts.body)
        return
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        _font(cell.paragraphs[0].add_run(header), fonts.table, bold=True)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            if isinstance(value, Link):
                _link(cell.paragraphs[0], value, fonts.table)
            else:
                _font(cell.paragraphs[0].add_run(str(value)), fonts.table)


def _chart(document, chart: Chart, fonts: BriefingFonts, width_cm: float) -> None:
    document.add_picture(io.BytesIO(chart.png), width=Cm(width_cm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, chart.caption, fonts.table, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def docx(report: Report, fonts: BriefingFonts, path: Path) -> Path:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, with the margins of GB/T 9704
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    width_cm = 21 - 2.8 - 2.6
    _font(document.styles["Normal"], fonts.body)
    heading = document.styles["Heading 1"]
    _font(heading, fonts.heading)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)

    _paragraph(document, report.mark, fonts.heading, indent=False)
    _paragraph(document, report.title, fonts.title, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    line = document.add_paragraph()
    line.paragraph_format.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT)
    _font(line.add_run(f"{report.issuer}\t{report.date}"), fonts.body)
    _bottom_rule(line)
    _paragraph(document, report.period, fonts.body, indent=False)

    for index, part in enumerate(report.sections):
        title = document.add_paragraph(style="Heading 1")
        _font(title.add_run(part.numbered(index)), fonts.heading)
        for block in part.blocks:
            if isinstance(block, str):
                _paragraph(document, block, fonts.body)
            elif isinstance(block, Table):
                _table(document, block, fonts)
            else:
                _chart(document, block, fonts, width_cm)
    _page_number(section, fonts.table)
    document.core_properties.title = f"{report.title}（{report.date}）"
    document.core_properties.author = report.issuer
    document.save(str(path))
    return path
