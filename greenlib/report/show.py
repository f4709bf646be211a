"""Display helpers for the report notebooks: title, headline cards, tables, notes."""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd

from .. import labels
from .scope import SUMMARY_MIME, Scope, headline


def data_version(s: Scope) -> str:
    """The data version shown in reports: the clean stage's content hash."""
    return str(s.t.quality.get("data_version") or "—")


def table_html(df: pd.DataFrame) -> str:
    """A table without index; short columns do not wrap, numbers align right."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    classes = []
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            classes.append("gp-num")
        else:
            longest = col.astype(str).str.len().max()
            classes.append("gp-nw" if longest <= 10 else "gp-long" if longest > 20 else "gp-mid")
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for v, cls in zip(rec, classes, strict=True):
            text = "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            attr = f' class="{cls}"' if cls else ""
            cells.append(f"<td{attr}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="gp-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def show_table(df: pd.DataFrame, empty: str = "（无）") -> None:
    """Display a table (see :func:`table_html`), or the ``empty`` sentence."""
    from IPython.display import HTML, display

    if df.empty:
        display(HTML(f'<p class="gp-empty">{html.escape(empty)}</p>'))
        return
    display(HTML(table_html(df)))


def show_note(text: str, kind: str = "note") -> None:
    """A boxed note (``kind``: note or warn)."""
    from IPython.display import HTML, display

    if text:
        display(HTML(f'<div class="gp-{kind}">{html.escape(text)}</div>'))


def show_markdown(text: str) -> None:
    """Display markdown text (used for notes whose content depends on the data)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


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
    sc = h["status_counts"]
    line = "，".join(f"{labels.STATUS[k]} {sc[k]} 项" for k in labels.STATUS_ORDER)
    return (f'<div class="gp-cards">{items}</div>'
            f'<p class="gp-card-note">量化目标进展评级：{html.escape(line)}。</p>')


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
        f'截止日期：{s.as_of}｜数据版本：{html.escape(data_version(s))}</p>'))


def plan_source(s: Scope) -> str:
    """The source line under every plan chart."""
    title = s.plan.get("title") or "规划"
    return f"《{title}》" + ("及附件重点任务清单" if len(s.t.tasks) else "")
