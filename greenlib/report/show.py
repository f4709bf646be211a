"""Display helpers for the report notebooks: title, headline cards, tables, notes."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from .. import labels
from . import fmt
from .scope import SUMMARY_MIME, Scope, headline


def data_version(s: Scope) -> str:
    """The data version shown in reports: a digest of every file of the data folder
    (:mod:`greenlib.report.version`), the same as in the page footers and on the index."""
    from .version import data_version as version

    return version(s.t.data_dir)


#: A table at least this many columns wide, with this much text per row, prints landscape.
WIDE_COLUMNS = 7
#: Characters per row (each column counted up to 30) above which a table prints landscape
#: whatever its column count; a portrait A4 line holds about 60 characters of table text.
WIDE_CHARS = 60


def _width_demand(df: pd.DataFrame) -> int:
    """Characters a row would like: per column its longest value or header, up to 30."""
    total = 0
    for c in df.columns:
        longest = df[c].astype(str).str.len().max() if len(df) else 0
        total += min(max(len(str(c)), int(longest or 0)), 30)
    return total


def is_wide(df: pd.DataFrame) -> bool:
    """Whether ``df`` is too wide for a portrait page in the usual type."""
    demand = _width_demand(df)
    return (len(df.columns) >= WIDE_COLUMNS and demand > WIDE_CHARS) or demand > 1.5 * WIDE_CHARS


def print_class(df: pd.DataFrame) -> str:
    """How ``df`` prints (see report.css): ``gp-wide`` on a landscape page; a wide table of
    few rows (:data:`fmt.SHORT_TABLE_ROWS`) ``gp-dense``, in smaller type on the portrait
    page, since turning the page for it would waste most of two pages; else nothing."""
    if not is_wide(df):
        return ""
    return "gp-dense" if len(df) <= fmt.SHORT_TABLE_ROWS else "gp-wide"


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) address a reader may open, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def _text(v: Any) -> str:
    return "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)



def table_html(df: pd.DataFrame, links: dict[str, str] | None = None) -> str:
    """A table without index; short columns do not wrap, numbers and their headers align
    right, a light (红灯 …) is a coloured mark with its word (:func:`fmt.light_html`).

    ``links`` maps a shown column to a column holding addresses: its cells become links
    opening in a new tab without referrer, for http(s) addresses only (anything else is
    shown as plain text); the address columns are not shown. Every text is escaped.
    """
    links = links or {}
    shown = [c for c in df.columns if c not in set(links.values())]
    view = df[shown]
    classes = []
    for c in shown:
        col = view[c]
        if (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)) or (
                fmt.numeric_texts(col)):
            classes.append("gp-num")
        else:
            longest = col.astype(str).str.len().max()
            classes.append("gp-nw" if longest <= 10 else "gp-long" if longest > 20 else "gp-mid")
    # a header over numbers is right-aligned like them (else it reads as a shifted column)
    head = "".join(f'<th class="gp-num">{html.escape(str(c))}</th>' if cls == "gp-num"
                   else f"<th>{html.escape(str(c))}</th>" for c, cls in zip(shown, classes, strict=True))
    rows = []
    for i in range(len(df)):
        cells = []
        for c, cls in zip(shown, classes, strict=True):
            value = _text(df[c].iat[i])
            light = fmt.light_code(value)
            text = fmt.light_html(light) if light else html.escape(value)
            url = safe_url(df[links[c]].iat[i]) if c in links else None
            if url:
                text = (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                        f'rel="noopener noreferrer">{text}</a>')
            attr = f' class="{cls}"' if cls else ""
            cells.append(f"<td{attr}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table_cls = f"gp-table {print_class(view)}".strip()
    return (f'<table class="{table_cls}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


#: A table longer than this shows its first rows and says where the rest is: a page stays a
#: few MB and printable when a plan has ten times the district's tasks (issue 11). The
#: district's longest table (97 tasks) is far below it.
MAX_ROWS = 300


def show_table(df: pd.DataFrame, empty: str = "（无）", links: dict[str, str] | None = None,
               max_rows: int | None = None) -> None:
    """Display a table (see :func:`table_html`), or the ``empty`` sentence.

    A table of more than ``max_rows`` rows (default :data:`MAX_ROWS`) shows its first
    ``max_rows`` and a note that the whole table is in the plan's Excel workbook.
    """
    from IPython.display import HTML, display

    if df.empty:
        display(HTML(f'<p class="gp-empty">{html.escape(empty)}</p>'))
        return
    limit = MAX_ROWS if max_rows is None else max_rows
    if len(df) > limit:
        display(HTML(table_html(df.head(limit), links)))
        show_note(labels.TABLE_CUT.format(n=len(df), shown=limit))
        return
    display(HTML(table_html(df, links)))


def show_note(text: str, kind: str = "note") -> None:
    """A boxed note (``kind``: note or warn)."""
    from IPython.display import HTML, display

    if text:
        display(HTML(f'<div class="gp-{kind}">{html.escape(text)}</div>'))


#: Characters with a meaning in markdown, backslash-escaped in a data text (:func:`md_text`).
_MD_SPECIAL = frozenset("\\`*_[]()#+-.!|~{}>")


def md_text(v: Any) -> str:
    """A text from the data (a unit's name, a geo, a return's words) to be placed in markdown:
    shown literally, never as emphasis, a link, a heading or HTML (``<`` and ``&`` become
    entities, markdown punctuation is backslash-escaped, a line break becomes a space)."""
    out = []
    for ch in " ".join(_text(v).splitlines()):
        if ch == "<":
            out.append("&lt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


_INLINE_LINK = re.compile(r"\]\(\s*<?\s*([^)\s>]*)")
_REF_DEF = re.compile(r"^( {0,3})\[([^\]\n]+)\]:\s*<?\s*(\S*)", re.MULTILINE)


def _safe_dest(dest: str) -> bool:
    """A link destination a reader may follow: http(s), mailto, an anchor or a relative path
    (no other scheme: ``javascript:``, ``data:``, ``vbscript:``, entity-spelt ones …)."""
    d = dest.strip().lower()
    if re.match(r"(?:https?://|mailto:|#)", d):
        return True
    head = re.split(r"[/?#]", d, maxsplit=1)[0]
    return ":" not in head and "&" not in head


def safe_markdown(text: str) -> str:
    """Markdown that cannot carry markup or script: raw HTML (``<`` … ) is shown as text and a
    link to anything but an http(s)/mailto address, an anchor or a relative path is shown as
    text. nbconvert's markdown renderer (mistune) passes both through as they are."""
    text = text.replace("<", "&lt;")
    text = _INLINE_LINK.sub(lambda m: m.group(0) if _safe_dest(m.group(1))
                            else "]\\(" + m.group(0)[2:], text)
    return _REF_DEF.sub(lambda m: m.group(0) if _safe_dest(m.group(3))
                        else m.group(1) + "\\[" + m.group(0)[len(m.group(1)) + 1:], text)


def show_markdown(text: str) -> None:
    """Display markdown text (used for notes whose content depends on the data), made safe
    by :func:`safe_markdown` (the data texts in it should also be :func:`md_text`)."""
    from IPython.display import Markdown, display

    display(Markdown(safe_markdown(text)))


def headline_html(h: dict[str, Any]) -> str:
    """Four figure cards plus one line of ratings, as HTML."""
    cards = [
        ("重点任务", h["n_tasks"], "项"),
        ("责任单位", h["n_units"], "个"),
        ("量化目标", h["n_targets"], "项"),
        (f"目标年份已过（截至 {h['as_of']}）", h["n_passed"], "项"),
    ]
    items = "".join(
        f'<div class="gp-card"><div class="gp-card-n">{n}<span>{u}</span></div>'
        f'<div class="gp-card-l">{html.escape(label)}</div></div>'
        for label, n, u in cards
    )
    cc = h.get("conclusion_counts") or {}
    if cc:  # the assessment's words (评估结论), the same in every report
        line = "，".join(f"{labels.CONCLUSION[k]} {cc[k]} 项" for k in labels.CONCLUSION_ORDER)
        what = "量化目标评估结论"
    else:
        sc = h["status_counts"]
        line = "，".join(f"{labels.STATUS[k]} {sc[k]} 项" for k in labels.STATUS_ORDER)
        what = "量化目标进展评级"
    return (f'<div class="gp-cards">{items}</div>'
            f'<p class="gp-card-note">{what}：{html.escape(line)}。</p>')


def show_headline(s: Scope) -> None:
    """Display the headline cards; the build reads the figures back from this output
    (nothing is returned, so a notebook cell ending with it shows no raw dict)."""
    from IPython.display import display

    h = headline(s)
    display({"text/html": headline_html(h), SUMMARY_MIME: json.loads(json.dumps(h))}, raw=True)


def show_title(s: Scope, title: str | None, kind: str = "领域分析报告") -> None:
    """The report's title block: title, plan, scope and as-of date, data version."""
    from IPython.display import HTML, display

    title = title or f"{s.sector_name}{kind}"
    plan = s.plan.get("title") or ""
    number = s.plan.get("document_number") or ""
    basis = f"《{plan}》" + (f"（{number}）" if number else "")
    display(HTML(
        f'<h1 class="gp-title">{html.escape(title)}</h1>'
        f'<p class="gp-meta">依据：{html.escape(basis)}｜范围：{html.escape(s.sector_name)}｜'
        f'截止日期：{s.as_of}</p>'))


def appendix_text(s: Scope) -> str:
    """Markdown for the report's appendix: where the figures come from, for whoever checks them
    (no file names: the files and how to change them are on the analysts' page)."""
    plan = s.plan.get("title") or "规划"
    lines = [
        f"- **数据版本**：{data_version(s)}。这是本报告所用全部数据（方案文本、更正、监测数据、"
        "部门报送）的校验码：任一数据变化，版本即随之改变；两份报告的数据版本相同，即基于同一份数据。",
        f"- **评估日（截止日期）**：{s.as_of}。目标年份是否已过、评级都按这一天计算。",
        f"- **数据来源**：《{plan}》的文本（网页转载稿，经文字识别）整理出的任务、责任单位和"
        "量化目标；监测数据来自公开发布的统计公报、政府工作报告和新闻发布会，每个数据点的来源"
        "见正文“监测数据”表。",
        "- **领域划分**：每一节归入一个领域，由分析人员根据方案章节确定；与上级规划的指标对照"
        "经人工复核。",
        "- **完整数据**：报告目录中的电子表格收录全部表格；文字识别存疑之处、已复核的更正"
        "和尚待核对的问题见报告目录中的“数据质量报告”。",
    ]
    return "\n".join(lines) + "\n"


def plan_source(s: Scope) -> str:
    """The source line under every plan chart."""
    title = s.plan.get("title") or "规划"
    return f"《{title}》" + ("及附件重点任务清单" if len(s.t.tasks) else "")
