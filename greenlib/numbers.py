"""Reading numbers as Chinese offices type them, and refusing what is ambiguous or implausible.

Pure functions, standard library only (no pandas), so any reader of user files can use them.

:func:`parse_number` turns one cell into a :class:`ParsedNumber` (``value``, ``warning``,
``error``). Accepted, silently:

* int/float cells (a bool cell is *not* a number: Excel's TRUE/FALSE);
* 全角 digits and punctuation (``１２３．５``, ``１２，３４５``, ``％``, ``＋``, ``－``), via NFKC;
* whitespace around the number and around its words or signs; a leading ``+`` or ``-``;
* thousands separators in valid groups only: ``1,234.5``, ``12,345``, ``1,234,567``;
* a trailing ``%`` when the unit is ``%`` (``95%`` → 95; Excel cells formatted as percent
  are converted by the reader, not here).

Accepted *with a warning* (the value is kept, the warning says how it was read):

* approximate words: prefixes 约/大约/近/将近/接近/超/超过/逾 and suffixes 左右/上下/以上
  (``约95`` → 95, "约95：按95计，属约数");
* scientific notation (``1.2E+09``): Excel writes large numbers that way in CSV and may have
  dropped digits.

Refused with an error (``value`` is None) and a message saying what to write instead:

* commas that are not thousands groups: ``35,5``, ``1,23``, ``1,2345`` could be a decimal
  comma (35.5) or a mistyped thousands separator (355); guessing either is how a wrong
  figure rates a target as achieved;
* a ``%`` when the unit is not ``%``;
* magnitude words (``1.2万``, ``3亿``): the unit column carries the magnitude (``万吨``),
  the value is the plain number in that unit;
* formulas (``=A1*2``): a CSV or an unsaved workbook has no computed result;
* placeholders and text (``—``, ``-``, ``/``, ``无``, ``355天``): "不是数字";
* NaN-like text, infinities, several numbers in one cell.

An empty cell (None, NaN, blank text) is ``ParsedNumber(None)``: no value and no error, the
caller decides whether the field is required.

:func:`plausibility` checks a value against rules kept as data, not code:

* ``greenlib/defaults/plausibility.csv`` (package data), one row per unit: ``unit,min,max,integer,
  note``. Shipped rules: ``%`` 0–100; ``‰`` 0–1000; ``天`` 0–366 (a year has at most 366
  days; a figure over a year such as 365 is allowed in any year because the rule cannot know
  the period); counts (个/家/处/座/项/条/辆/台/户/所/人) ≥ 0 and whole; amounts, areas,
  lengths, volumes, energy and concentrations (万吨/亿元/万千瓦/万亩/微克/立方米 …) ≥ 0.
  A unit without a row is not checked.
* per-indicator overrides (a reference CSV ``indicator,min,max[,note]``, read with
  :func:`load_overrides`): a growth rate in % may be negative, a share may be compared with a
  cap above 100. An empty cell keeps the unit's bound on that side; ``inf`` / ``-inf``
  removes it. The integer rule of the unit still applies.
"""

from __future__ import annotations

import csv
import io
import math
import numbers as _numbers
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ParsedNumber:
    """One cell read as a number: ``value`` is None when empty or refused (then ``error``)."""

    value: float | None
    warning: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# Approximate words: (word, how the figure relates to the true value).
_PREFIXES = (("大约", "属约数"), ("将近", "属约数，实际略低"), ("接近", "属约数，实际略低"),
             ("超过", "属约数，实际略高"), ("约", "属约数"), ("近", "属约数，实际略低"),
             ("超", "属约数，实际略高"), ("逾", "属约数，实际略高"))
_SUFFIXES = (("左右", "属约数"), ("上下", "属约数"), ("以上", "属约数，实际不低于此数"))
#: Magnitude words and their factor, longest first.
_MAGNITUDES = (("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4),
               ("千", 1e3), ("百", 1e2))
_PLACEHOLDERS = {"-", "--", "—", "——", "–", "/", "\\", "无", "暂无", "空", "缺", "不详", "n/a", "na",
                 "nan", "null", "none", "…", "...", "x", "×", "*"}
_MINUSES = str.maketrans({"−": "-", "‒": "-", "–": "-", "—": "-", "﹣": "-", "－": "-"})

_PLAIN = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SCIENTIFIC = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+")


def _fmt(x: float) -> str:
    """A float as a person writes it: no exponent, no trailing zeros (12000, 1.2, 0.05)."""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return f"{x:.10f}".rstrip("0").rstrip(".")


def _norm_unit(unit: Any) -> str:
    return unicodedata.normalize("NFKC", str(unit or "")).strip()


def _unit_magnitude(unit: str) -> float:
    for word, factor in _MAGNITUDES:
        if unit.startswith(word):
            return factor
    return 1.0


def parse_number(v: Any, unit: str = "") -> ParsedNumber:
    """Read one cell as a number in ``unit`` (see the module docstring for what is accepted)."""
    if v is None:
        return ParsedNumber(None)
    if isinstance(v, bool):
        return ParsedNumber(None, error=f"是/否（{v}）不是数字")
    if isinstance(v, _numbers.Real):
        x = float(v)
        if math.isnan(x):
            return ParsedNumber(None)
        if not math.isfinite(x):
            return ParsedNumber(None, error=f"不是有限的数字：{v!r}")
        return ParsedNumber(x)
    raw = str(v)
    s = unicodedata.normalize("NFKC", raw).translate(_MINUSES).strip()
    if not s:
        return ParsedNumber(None)
    if s.startswith("="):
        return ParsedNumber(None, error=f"公式没有保存的计算结果：{raw!r}；请在 Excel 中把公式单元格"
                                        "复制后“选择性粘贴→数值”，再保存")
    if s.lower() in _PLACEHOLDERS:
        return ParsedNumber(None, error=f"不是数字：{raw!r}（没有数据请留空）")
    unit_n = _norm_unit(unit)

    # approximate words around the number
    approx: list[str] = []
    for word, meaning in _PREFIXES:
        if s.startswith(word):
            s, approx = s[len(word):].lstrip(), [meaning]
            break
    for word, meaning in _SUFFIXES:
        if s.endswith(word):
            s = s[: -len(word)].rstrip()
            approx = approx or [meaning]
            break

    # sign
    sign = 1.0
    if s[:1] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].lstrip()

    # percent sign
    if s.endswith("%"):
        if unit_n != "%":
            return ParsedNumber(None, error=f"带百分号，但单位是“{unit_n or '（空）'}”：{raw!r}；"
                                            "百分比请把单位写成 %，数值只填数字")
        s = s[:-1].rstrip()

    # magnitude words: the unit column carries the magnitude, never the value
    for word, factor in _MAGNITUDES:
        if s.endswith(word) and _PLAIN.fullmatch(s[: -len(word)].strip().replace(",", "")):
            n = float(s[: -len(word)].strip().replace(",", "")) * factor / _unit_magnitude(unit_n)
            hint = f"单位为“{unit_n}”时应填 {_fmt(sign * n)}" if unit_n else "并把数量级写进单位列"
            return ParsedNumber(None, error=f"数值里带数量级“{word}”：{raw!r}；请只填按单位换算后的"
                                            f"数字（{hint}）")

    if re.search(r"\d\s+[\d.,]|[\d.,]\s+\d", s):
        return ParsedNumber(None, error=f"数字中间有空格：{raw!r}，无法判断是一个数还是几个数")
    if "," in s:
        if not _GROUPED.fullmatch(s):
            return ParsedNumber(None, error=f"逗号位置不符合千位分隔，无法判断是小数还是千位：{raw!r}")
        s = s.replace(",", "")
    warning = None
    if _SCIENTIFIC.fullmatch(s):
        warning = f"{raw.strip()}：科学计数法，Excel 导出的 CSV 可能已截去有效数字，请核对原值"
    elif not _PLAIN.fullmatch(s):
        hint = "（只填数字，单位写在单位列）" if re.match(r"[\d.]", s) else ""
        return ParsedNumber(None, error=f"不是数字：{raw!r}{hint}")
    x = sign * float(s)
    if not math.isfinite(x):
        return ParsedNumber(None, error=f"不是有限的数字：{raw!r}")
    if approx:
        warning = f"{raw.strip()}：按{_fmt(x)}计，{approx[0]}"
    return ParsedNumber(x, warning=warning)


# ---------------------------------------------------------------------------------------
# Plausibility
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A plausible range; None on a side means no bound there."""

    min: float | None = None
    max: float | None = None
    integer: bool = False
    note: str = ""


def _bound_cell(text: str, where: str) -> float | None:
    t = text.strip()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        raise ValueError(f"{where}: {text!r} 不是数字（可留空、写数字或 inf / -inf）") from None


def _read_rules(text: str, label: str, key: str) -> dict[str, Bound]:
    rules: dict[str, Bound] = {}
    reader = csv.DictReader(io.StringIO(text))
    need = {key, "min", "max"}
    if not need <= set(reader.fieldnames or []):
        raise ValueError(f"{label}: 表头应含 {', '.join(sorted(need))}，实为 {reader.fieldnames}")
    for n, r in enumerate(reader, start=2):
        name = unicodedata.normalize("NFKC", r[key] or "").strip()
        if not name:
            continue
        if name in rules:
            raise ValueError(f"{label}, row {n}, {key}: {name!r} 重复")
        integer = (r.get("integer") or "").strip().lower() in {"yes", "true", "1", "是"}
        rules[name] = Bound(_bound_cell(r["min"] or "", f"{label}, row {n}, min"),
                            _bound_cell(r["max"] or "", f"{label}, row {n}, max"),
                            integer, (r.get("note") or "").strip())
    return rules


@lru_cache(maxsize=1)
def unit_rules() -> dict[str, Bound]:
    """The shipped per-unit rules (``greenlib/defaults/plausibility.csv``)."""
    f = resources.files("greenlib").joinpath("defaults/plausibility.csv")
    return _read_rules(f.read_text(encoding="utf-8"), "greenlib/defaults/plausibility.csv", "unit")


def load_overrides(path: str | Path) -> dict[str, Bound]:
    """Per-indicator ranges from a CSV ``indicator,min,max[,note]``; a missing file is empty.

    Raises ValueError naming file, row and column for a cell that is not a number.
    """
    p = Path(path)
    if not p.exists():
        return {}
    return _read_rules(p.read_text(encoding="utf-8-sig"), str(p), "indicator")


def plausibility(value: float, unit: str, indicator: str = "",
                 overrides: Mapping[str, Bound] | None = None) -> str | None:
    """A Chinese message when ``value`` in ``unit`` is implausible, else None.

    The unit's rule gives the range and whether the value must be whole; an override for
    ``indicator`` replaces a side of the range it fills in (``inf`` lifts it).
    """
    u = _norm_unit(unit)
    rule = unit_rules().get(u)
    ind = unicodedata.normalize("NFKC", indicator or "").strip()
    over = (overrides or {}).get(ind) if ind else None
    if rule is None and over is None:
        return None
    lo = rule.min if rule else None
    hi = rule.max if rule else None
    note = rule.note if rule else ""
    if over is not None:
        lo = over.min if over.min is not None else lo
        hi = over.max if over.max is not None else hi
        note = over.note or f"按参考表为“{ind}”设定的范围"
    lo = None if lo is not None and math.isinf(lo) else lo
    hi = None if hi is not None and math.isinf(hi) else hi
    shown = f"{_fmt(value)} {u}".strip()
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        rng = (f"在 {_fmt(lo)} 到 {_fmt(hi)} 之间" if lo is not None and hi is not None
               else f"不小于 {_fmt(lo)}" if lo is not None else f"不大于 {_fmt(hi)}")
        return f"数值不合常理：{shown}，应{rng}（{note}）"
    if rule is not None and rule.integer and not float(value).is_integer():
        return f"数值不合常理：{shown}，应为整数（{note}）"
    return None
