"""Unit-magnitude guard: a figure a power of ten away from what the plan says elsewhere.

A magnitude (万, 亿, 万亿) is part of each value's own unit, so ``分别达到6000万吨和3.2亿吨``
gives 6000 万吨 and 3.2 亿吨. Two checks catch a value that got the wrong one:

* **in one clause**: rows of the same quote whose units share a base (吨) but not the
  magnitude (万吨, 亿吨) are checked; a row whose number is not written with its own unit
  in the quote (it took a neighbour's) is suspect;
* **across the plan**: a row whose amount (value × magnitude) is 10^k times (k ≠ 0) the
  amount of another row of the same indicator and base unit is suspect (3.2万吨 beside
  3.2亿吨 of 废钢利用量).

Suspects go to the quality report (``quality["unresolved"]``, kind ``magnitude_suspect``,
with a Chinese detail); nothing is changed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rapidfuzz import fuzz

from .ingest import match_key

MAGNITUDES: list[tuple[str, float]] = [("万亿", 1e12), ("亿", 1e8), ("万", 1e4)]
#: indicators this similar (after match_key) are the same indicator
SAME_INDICATOR = 90


def split_unit(unit: str) -> tuple[float, str]:
    """``亿吨`` → (1e8, ``吨``); a unit without a magnitude → (1, unit)."""
    for p, f in MAGNITUDES:
        if unit.startswith(p) and len(unit) > len(p):
            return f, unit[len(p):]
    return 1.0, unit


def _number(v: float) -> str:
    return f"{v:.10g}"


def _written_with_unit(row: dict[str, Any]) -> bool:
    """Is the row's number followed by its own unit in its quote (3.2亿吨, 50亿t标准煤)?"""
    quote = re.sub(r"(?<=[万亿])t|t(?=标准煤)", "吨", str(row.get("quote") or ""))
    num = re.escape(_number(float(row["value"])))
    return re.search(rf"(?<![\d.]){num}(?:\.0+)?\s*{re.escape(str(row['unit']))}", quote) is not None


def _task_id(row: dict[str, Any]) -> int | None:
    ids = [int(i) for i in str(row.get("task_ids") or "").split(";") if i.isdigit()]
    return ids[0] if ids else None


def _item(row: dict[str, Any], detail: str) -> dict[str, Any]:
    return {"kind": "magnitude_suspect", "task_id": _task_id(row), "raw": row.get("quote", ""),
            "detail": f"{row.get('target_id', '')}：{detail}"}


def suspects(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quality items for targets whose magnitude (万/亿/万亿) looks wrong."""
    out: list[dict[str, Any]] = []
    flagged: set[int] = set()
    # 1. one clause, one base unit, several magnitudes: each number must carry its own
    by_quote: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_quote.setdefault(str(r.get("quote") or ""), []).append(i)
    for idx in by_quote.values():
        bases: dict[str, set[float]] = {}
        for i in idx:
            f, base = split_unit(str(rows[i]["unit"]))
            bases.setdefault(base, set()).add(f)
        for i in idx:
            r = rows[i]
            f, base = split_unit(str(r["unit"]))
            if len(bases[base]) > 1 and not _written_with_unit(r):
                flagged.add(i)
                out.append(_item(r, f"{r['indicator']} {_number(float(r['value']))}{r['unit']}："
                                    f"同一句中有不同量级的单位，该数值后没有写单位，量级可能取自相邻数值，请核对原文"))
    # 2. the same indicator elsewhere in the plan, a power of ten apart
    for i, r in enumerate(rows):
        if i in flagged or not r.get("value"):
            continue
        fi, bi = split_unit(str(r["unit"]))
        for j, o in enumerate(rows):
            if j == i or not o.get("value"):
                continue
            fj, bj = split_unit(str(o["unit"]))
            if bi != bj or fuzz.ratio(match_key(str(r["indicator"])),
                                      match_key(str(o["indicator"]))) < SAME_INDICATOR:
                continue
            ratio = math.log10(abs(float(r["value"]) * fi) / abs(float(o["value"]) * fj))
            k = round(ratio)
            if k != 0 and abs(ratio - k) < 1e-6:
                flagged.add(i)
                out.append(_item(r, f"{r['indicator']} {_number(float(r['value']))}{r['unit']} 与"
                                    f"{o.get('target_id', '')} {_number(float(o['value']))}{o['unit']} "
                                    f"相差 10^{abs(k)} 倍，单位量级（万/亿）可能有误，请核对原文"))
                break
    return out
