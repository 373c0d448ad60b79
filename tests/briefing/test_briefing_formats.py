"""The briefing in its three formats, read back: the Word file with python-docx (sections, tables, images, fonts,
page numbers), the HTML page (self-contained), the Markdown (within Slack's limits); and the charts' Chinese."""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from matplotlib import rc_context
from matplotlib.figure import Figure
from PIL import Image
from support.briefing_seed import END

from briefing.charts import cjk_font, png, style
from briefing.figures import period_for
from briefing.to_markdown import SLACK_LIMIT, markdown
from briefing.writer import write
from yuqing.storage.database import session_factory

SECTIONS = ["一、舆情综述", "二、热点事件", "三、案件办理", "四、回应时效", "五、舆情分布"]


@pytest.fixture
def written(engine, settings, seeded, tmp_path: Path):
    with session_factory(engine)() as session:
        return write(session, settings, period_for(settings, date(2026, 11, 20)), END + timedelta(minutes=1), tmp_path)


def test_the_word_file_has_the_house_style_sections_tables_charts_and_page_numbers(written, settings) -> None:
    document = Document(str(written.files["docx"]))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "内部资料"
    assert texts[1] == "舆情日报"
    assert texts[2] == "丽水市人民政府新闻办公室\t2026年11月20日"
    assert texts[3] == "监测时段：2026年11月19日8时至11月20日8时"
    assert [t for t in texts if re.match(r"^[一二三四五]、", t)] == SECTIONS
    title_run = document.paragraphs[1].runs[0]
    assert (title_run.font.name, title_run.font.size.pt) == ("黑体", 22)  # 二号
    east_asian = title_run._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asian == "黑体"
    summary = document.paragraphs[texts.index("一、舆情综述") + 1]
    assert (summary.runs[0].font.name, summary.runs[0].font.size.pt) == ("仿宋", 14)  # 四号
    assert "共监测到相关帖文7条" in summary.text and "较此前7日日均" in summary.text
    assert 300 <= sum(len(p) for p in written.report.summary) <= 800
    headers = [[c.text for c in table.rows[0].cells] for table in document.tables]
    assert headers[0][:3] == ["序号", "事件", "类别"]
    events = document.tables[0]
    assert events.rows[1].cells[1].text == "莲都化工企业爆炸死亡升至12人"
    assert events.rows[1].cells[5].text.startswith("浙江省应急管理部门")
    assert "重大（Ⅱ级）" in events.rows[1].cells[3].text
    assert len(document.inline_shapes) == 3
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    everything = "\n".join(texts + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "emergency" not in everything and "public_interest" not in everything  # never an internal id


def test_the_html_page_is_self_contained_and_fits_a_phone(written) -> None:
    page = written.files["html"].read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(?!data:|https?://news)', page.replace('href="https://', 'href="https://news'))
    assert "<link" not in page and "<script" not in page
    for section in SECTIONS:
        assert section in page
    assert "2026-11-20 10:00" in page  # the press conference's deadline, local time


def test_the_markdown_fits_slack_and_links_the_representative_post(written, settings) -> None:
    text = written.files["md"].read_text(encoding="utf-8")
    assert len(text) <= SLACK_LIMIT
    assert text.startswith("# 舆情日报（2026年11月20日）")
    assert "举行新闻发布会" in text and "按时率33.3%" in text
    slack = markdown(written.report, settings.timezone, "slack")
    assert slack.startswith("*舆情日报（2026年11月20日）*") and "**" not in slack
    cut = markdown(written.report, settings.timezone, limit=600)
    assert len(cut) <= 600 and cut.rstrip().endswith("完整内容见Word版）")


def test_an_empty_day_writes_a_short_report(engine, settings, tmp_path: Path) -> None:
    with session_factory(engine)() as session:
        written = write(session, settings, period_for(settings, date(2026, 11, 20)), END, tmp_path)
    document = Document(str(written.files["docx"]))
    assert "未监测到相关帖文，无新立案件，无到期回应时限" in "\n".join(p.text for p in document.paragraphs)
    assert len(document.inline_shapes) == 0
    assert len(written.files["md"].read_text(encoding="utf-8")) < 400


def _render(text: str) -> np.ndarray:
    with rc_context(style()):
        figure = Figure(figsize=(2, 1), dpi=100)
        figure.text(0.1, 0.3, text, fontsize=24)
        return np.asarray(Image.open(io.BytesIO(png(figure))).convert("L"))


def test_chinese_labels_render_with_a_cjk_font_not_as_empty_boxes() -> None:
    assert "CJK" in cjk_font()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for each tofu box
        first, second = _render("舆情"), _render("日报")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tofu = _render("\ue000\ue001")  # private-use characters: no font has them, so they draw as the empty box
    assert (first < 128).sum() > 50  # ink on the page
    assert not np.array_equal(first, second)  # two different words: not the same two boxes
    assert not np.array_equal(first, tofu)


def test_a_missing_glyph_would_be_reported() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _render("\ue000")
    assert any("missing from font" in str(w.message) for w in caught)
