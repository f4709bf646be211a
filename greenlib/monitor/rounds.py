"""Rounds of the follow-up cycle: which return is current, round by round.

A round is a sub-folder of a plan's ``progress/`` named by its date (``2026-10-31/``, or
``2026-10/`` for the month's last day); that date is the round's as-of, and the 报送截止日期
of its books. Workbooks directly in ``progress/`` belong to the run's own as-of. A folder
with another name is refused with a message (each workbook in it listed, never skipped
quietly); a round dated after the run's as-of is left for a later assessment.

Within one round, two accepted returns of the same unit for the same task (or target and
year): the later 填报日期 wins and the pair is listed as a conflict; the same date with
different contents is refused on both sides (named to the department with file, sheet and
cell) — never settled by file time. Across rounds the later round wins, then the later date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

ROUND_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class Round:
    """One round: its folder name ("" for files at the top of progress/) and its as-of."""

    name: str
    as_of: dt.date

    @property
    def label(self) -> str:
        """The round as history names it: its folder, else its as-of date."""
        return self.name or self.as_of.isoformat()


def round_date(name: str) -> dt.date | None:
    """``2026-10-31`` → that day, ``2026-10`` → 2026-10-31; None for any other name."""
    m = ROUND_RE.match(name.strip())
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    try:
        if m.group(3):
            return dt.date(y, mo, int(m.group(3)))
        return dt.date(y, mo, calendar.monthrange(y, mo)[1])
    except (ValueError, calendar.IllegalMonthError):
        return None


def bad_round_message(name: str) -> str:
    return (f"轮次文件夹“{name}”的名称不是日期：请改名为本轮的截止日期，如 2026-10-31 或 2026-10"
            "（该日期即本轮的评估日），再重新运行")


def round_of(rel: str, run_as_of: dt.date) -> tuple[Round | None, str | None]:
    """The round of a file at ``rel`` under progress/ (None and a message for a folder whose
    name is not a date)."""
    parts = PurePosixPath(rel).parts
    if len(parts) == 1:
        return Round("", run_as_of), None
    day = round_date(parts[0])
    if day is None:
        return None, bad_round_message(parts[0])
    return Round(parts[0], day), None


def _signature(r: dict[str, Any]) -> tuple[Any, ...]:
    if r["kind"] == "task":
        return (r["status"], r["progress"] or "", r["evidence"] or "")
    v = r["value"]
    return (None if v is None or (isinstance(v, float) and pd.isna(v)) else round(float(v), 9),)


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return ((r["kind"], r["unit"], r["task_id"]) if r["kind"] == "task"
            else (r["kind"], r["unit"], r["target_id"], r["year"]))


def _where(r: dict[str, Any], col: str) -> str:
    return f"{r['file']} {r['sheet']}!{col}{r['row']}"


def settle_rounds(recs: list[dict[str, Any]], cells: dict[str, str]) -> list[dict[str, Any]]:
    """Resolve two returns of the same key in one round (module docstring); the conflicts.

    ``cells``: kind → the column letter named in a conflict (进展状态 / 数值). Refuses the
    rows of a same-day disagreement in place."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in recs:
        if r["accepted"] and r.get("counted", True):
            groups.setdefault((r["round"], *_key(r)), []).append(r)
    conflicts: list[dict[str, Any]] = []
    for (rnd, *_), g in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(g) < 2:
            continue
        g.sort(key=lambda r: (r["report_date"] or "", r["file"], r["row"] or 0))
        top = [r for r in g if r["report_date"] == g[-1]["report_date"]]
        col = cells[g[0]["kind"]]
        what = (f"任务 {g[0]['task_id']}" if g[0]["kind"] == "task"
                else f"目标 {g[0]['target_id']}（{g[0]['year']} 年）")
        if len({_signature(r) for r in top}) > 1:
            for r in top:
                others = "、".join(_where(o, col) for o in top if o is not r)
                r["accepted"] = False
                msg = (f"{r['sheet']}!{col}{r['row']}: 本轮（{r['round'] or '未分轮次'}）{what} 另有"
                       f"同一填报日期 {r['report_date']} 而内容不同的填报（{others}）：无法判断以哪份为准，"
                       "请核实后只报送一份")
                r["message"] = "；".join(x for x in (msg, r["message"]) if x)
                r["cells"] = ";".join(x for x in (f"{r['sheet']}!{col}{r['row']}", r["cells"]) if x)
            resolution = "同日内容不同，均退回"
            kept = None
        else:
            kept = g[-1]
            resolution = "取填报日期较晚的一份" if len(top) == 1 else "内容相同，取其一"
        conflicts.append({
            "round": rnd, "unit": g[0]["unit"], "kind": g[0]["kind"],
            "task_id": g[0]["task_id"], "target_id": g[0]["target_id"], "year": g[0]["year"],
            "kept": _where(kept, col) if kept else None,
            "others": [_where(r, col) + f"（{r['report_date']}）" for r in g if r is not kept],
            "resolution": resolution})
    return conflicts


def mark_current(df: pd.DataFrame, upto: dt.date | None = None) -> pd.DataFrame:
    """``current`` = the latest accepted, counted report per (task, unit) and per (target,
    unit, year) among rounds dated up to ``upto`` (all when None): the later round wins, then
    the later 填报日期, then file name and row (the same day in one round never reaches here
    disagreeing: :func:`settle_rounds`). Older rows get ``superseded_by``."""
    recs = df.to_dict("records")
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(recs):
        r["current"] = False
        if not r["accepted"] or not r.get("counted", True):
            continue
        if upto is not None and str(r["round_as_of"]) > upto.isoformat():
            continue
        groups.setdefault(_key(r), []).append(i)
    for idx in groups.values():
        idx = sorted(idx, key=lambda i: (str(recs[i]["round_as_of"] or ""),
                                         recs[i]["report_date"] or "", recs[i]["file"],
                                         recs[i]["row"] or 0))
        last = recs[idx[-1]]
        last["current"] = True
        if upto is None:
            for i in idx[:-1]:
                recs[i]["superseded_by"] = f"{last['file']} {last['sheet']}!{last['row']}"
    return pd.DataFrame(recs, columns=df.columns)


def rounds_of_run(rows: pd.DataFrame, run_as_of: dt.date) -> list[Round]:
    """The rounds a run shows in its history, oldest first: every dated round folder read,
    and the run's own as-of when files sit at the top of progress/ or there is no round."""
    named = {(n, d) for n, d in zip(rows.get("round", []), rows.get("round_as_of", []),
                                    strict=True) if isinstance(n, str) and n}
    out = sorted((Round(n, dt.date.fromisoformat(str(d))) for n, d in named),
                 key=lambda r: (r.as_of, r.name))
    top = rows[rows["round"].eq("")] if len(rows) else rows
    if not out or len(top):
        out.append(Round("", run_as_of))
    return out


def latest_round(folder: Any) -> dt.date | None:
    """The date of the latest round folder under ``folder`` that holds a file (None: none)."""
    from pathlib import Path

    root = Path(folder)
    if not root.is_dir():
        return None
    days = [d for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
            and any(f.is_file() for f in p.rglob("*")) for d in [round_date(p.name)] if d]
    return max(days) if days else None
