"""How numbers, lists and targets are written for Chinese readers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .. import labels

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (plans number parts and sections this way, 1–99)."""
    n = int(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) or (
        not isinstance(v, str) and not isinstance(v, list | tuple | dict) and pd.isna(v))


def split_list(value: Any) -> list[str]:
    """Split a ``;``-joined cell (co_units, years, task_ids) into its non-empty items."""
    if missing(value):
        return []
    return [p.strip() for p in str(value).split(";") if p.strip()]


def fmt_value(v: Any) -> str:
    """A number as an analyst writes it: 10.0 → 10, 1.63 → 1.63, missing → —."""
    if missing(v):
        return "—"
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)


def fmt_year(v: Any) -> str:
    return "—" if missing(v) else str(int(float(v)))


def year_passed(year: Any, as_of: str) -> bool:
    """A target year has passed once its 31 December lies before the as-of date."""
    try:
        y = int(float(year))
    except (TypeError, ValueError):
        return False
    return dt.date(y, 12, 31) < dt.date.fromisoformat(as_of)


def target_text(comparator: str, value: Any, unit: Any) -> str:
    """A target as a reader says it: 不低于 90%, 增加 100 个, 达到 4.5 亿元."""
    unit = "" if missing(unit) else str(unit)
    word = labels.COMPARATOR.get(comparator, comparator)
    if unit == "比值":  # 农产品加工业产值与农业总产值之比达到2:1
        return f"{word} {fmt_value(value)}:1"
    sep = "" if unit in ("%", "‰") else " "
    return f"{word} {fmt_value(value)}{sep}{unit}".strip()


_ADDRESS = re.compile(r"[（(]\s*https?://[^）)]*[）)]")
_FILE = re.compile(r"[\w.\-/]+\.(?:xlsx|xls|csv|docx?)\s*[，,]?\s*")


def source_text(v: Any) -> str:
    """A source as a reader names it: the titles without web addresses or the file a return
    came in (区交通局填报（x_synthetic.xlsx，2026-10-08） → 区交通局填报（2026-10-08）), each
    title once; the addresses and files are in the workbook and on the analysts' page."""
    if missing(v) or not str(v).strip():
        return "—"
    parts = [_FILE.sub("", _ADDRESS.sub("", p)).replace("（）", "").strip()
             for p in str(v).split("；")]
    return "；".join(dict.fromkeys(p for p in parts if p)) or "—"


#: The mark printed before a light's word (●红灯): the colour is for the screen and colour
#: print, the word carries the meaning in black-and-white print.
LIGHT_MARK = "●"
_LIGHT_BY_WORD: dict[str, str] = {word: code for code, word in labels.LIGHT.items()}


def light_code(text: Any) -> str | None:
    """The light (green, yellow, red, grey) a table cell shows — its word alone (红灯) or
    already marked (●红灯) — else None."""
    if not isinstance(text, str):
        return None
    t = text.strip().removeprefix(LIGHT_MARK).strip()
    return _LIGHT_BY_WORD.get(t)


def light_html(code: str) -> str:
    """A light as HTML: a coloured mark (class ``gp-light-<code>``, see report.css) and the
    word beside it. The mark is decoration (``aria-hidden``): the word says the light, in
    black-and-white print and to a screen reader alike, in the text's own colour and
    contrast; the mark's colour only repeats it."""
    import html

    return (f'<span class="gp-light gp-light-{code}" style="color:{labels.LIGHT_COLORS[code]}" '
            f'aria-hidden="true">{LIGHT_MARK}</span>{html.escape(labels.LIGHT[code])}')


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")


def numeric_texts(values: Iterable[Any]) -> bool:
    """Whether a column's shown texts are numbers (12, 1,234, -0.5, 85.0%; blanks and — left
    aside): such a column and its header align right in every output."""
    vals = [str(v).strip() for v in values if not missing(v)]
    vals = [v for v in vals if v and v not in ("—", "-")]
    return bool(vals) and all(_NUMBER.match(v) for v in vals)


#: A wide table of at most this many rows stays on a portrait page in smaller type (PDF and
#: Word): turning the page for it would leave the page before and its own page mostly blank.
SHORT_TABLE_ROWS = 10
