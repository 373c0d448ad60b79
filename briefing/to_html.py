"""The briefing as one self-contained HTML page: styles inline, charts as PNG data URIs, no external asset, so
it reads the same as an email body, a saved file or on a phone (a narrow column, tables that scroll sideways)."""

from __future__ import annotations

import base64
from html import escape

from briefing.charts import Chart
from briefing.document import Link, Report, Table

STYLE = """
body{margin:0;padding:0;background:#f5f5f5;color:#222;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
"仿宋",sans-serif;font-size:16px;line-height:1.7}
main{max-width:860px;margin:0 auto;padding:16px;background:#fff}
.mark{font-weight:bold;font-family:"黑体",sans-serif}
h1{text-align:center;color:#c00;font-size:1.8em;margin:.4em 0;font-family:"黑体",sans-serif}
.issuer{display:flex;justify-content:space-between;border-bottom:2px solid #c00;padding-bottom:4px;flex-wrap:wrap}
h2{font-size:1.2em;margin:1.2em 0 .4em;font-family:"黑体",sans-serif}
p{text-indent:2em;margin:.4em 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.6em 0}
table{border-collapse:collapse;min-width:100%;font-size:.85em}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eee;white-space:nowrap}
caption{font-weight:bold;text-align:center;padding:4px}
figure{margin:.8em 0;text-align:center}
figure img{max-width:100%;height:auto}
figcaption{font-size:.9em}
.empty{color:#555}
"""


def _cell(cell) -> str:
    if isinstance(cell, Link) and cell.url:
        return f'<a href="{escape(cell.url)}">{escape(cell.text)}</a>'
    return escape(str(cell))


def _table(table: Table) -> str:
    if not table.rows:
        return f'<p class="empty"><b>{escape(table.caption)}</b>：{escape(table.empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return (
        f'<div class="scroll"><table><caption>{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _chart(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode()
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{escape(chart.caption)}">'
        f"<figcaption>{escape(chart.caption)}</figcaption></figure>"
    )


def html(report: Report) -> str:
    parts = [
        f'<p class="mark">{escape(report.mark)}</p>',
        f"<h1>{escape(report.title)}</h1>",
        f'<div class="issuer"><span>{escape(report.issuer)}</span><span>{escape(report.date)}</span></div>',
        f"<p>{escape(report.period)}</p>",
    ]
    for index, section in enumerate(report.sections):
        parts.append(f"<h2>{escape(section.numbered(index))}</h2>")
        for block in section.blocks:
            if isinstance(block, str):
                parts.append(f"<p>{escape(block)}</p>")
            elif isinstance(block, Table):
                parts.append(_table(block))
            else:
                parts.append(_chart(block))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.title)}（{escape(report.date)}）</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )
