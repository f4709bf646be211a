"""Returns in: the request workbooks departments send back, validated row by row and merged.

Every ``.xlsx`` under a plan's ``progress/`` folder (any name, any sub-folder, several rounds)
is read. A filled row is *accepted* or *refused*; a refused row carries every problem found
in it, each naming the cell as Excel does (``重点任务!F5``). Nothing is dropped silently:
:func:`read_returns` returns one record per filled row (``returns.csv``) and one per file
that could not be used at all (unreadable, unit unknown, another plan's workbook). Refusals
never stop ``make data``: a department's error must not block the office's report; they are
listed in ``returns.csv``, ``monitor.json`` and on the console.

Of the accepted rows, the latest report per (task, unit) and per (target, unit, year) is
``current`` — by 填报日期, then the file's modification time, then its name and row; the
older ones stay as history. Current target figures become observations with the department
as source (:func:`department_observations`); :func:`merge_with_public` decides which of them
rate a target next to the public statistics (docs/returns.md, docs/assumptions.md R3).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels, numbers
from . import return_files
from .readers import _cell_value, _filled
from .requests import (
    HELP_SHEET,
    META_KIND,
    META_SHEET,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
    Col,
    Inputs,
)

#: returns.csv: the contract's columns, then what was read and how it was merged.
RETURN_COLUMNS = [*contract.REQUIRED_COLUMNS[contract.RETURNS], "cells", "kind", "role",
                  "status", "progress", "evidence", "report_date", "year", "value",
                  "value_unit", "source", "note", "current", "superseded_by", "file_mtime",
                  "unit_basis", "round", "round_as_of", "late", "counted", "filled_by",
                  "phone", "reviewer", "measures", "measures_owner", "measures_due"]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Spreadsheet formats that cannot be read: listed as a refused file, never skipped quietly.
REFUSED_SUFFIXES = (".xls", ".et", ".ods", ".csv", ".numbers", ".wps")
STATUS_CODE = {labels.TASK_STATUS[k]: k for k in labels.TASK_STATUS_REPORTABLE}
STATUS_READ = {**STATUS_CODE, **labels.TASK_STATUS_ALIASES}


def status_word(v: Any) -> str:
    """A 进展状态 cell as a simplified word without any space: 繁体 (推進中, 滯後) and
    full-width or stray spaces (“推进　中”) read as the plain word."""
    s = re.sub(r"\s+", "", _text(v))
    return _t2s().convert(s) if s else s


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")
_MAGNITUDE = {"万", "亿", "千", "百", "十"}


@dataclass
class Returns:
    """Everything read from a progress folder."""

    rows: pd.DataFrame
    files: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    #: rounds read, folders refused for their name, rounds after the as-of (not counted)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    bad_rounds: list[dict[str, Any]] = field(default_factory=list)
    later_rounds: list[dict[str, Any]] = field(default_factory=list)
    #: two returns of one unit for one key in one round (rounds.settle_rounds)
    round_conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused(self) -> pd.DataFrame:
        return self.rows[~self.rows["accepted"].astype(bool)]

    @property
    def current(self) -> pd.DataFrame:
        r = self.rows
        return r[r["accepted"].astype(bool) & r["current"].astype(bool)]

    def summary(self) -> dict[str, Any]:
        r = self.rows
        return {
            "files": self.files, "ignored_files": self.ignored, "rows": len(r),
            "rounds": self.rounds, "bad_rounds": self.bad_rounds,
            "later_rounds": self.later_rounds, "round_conflicts": self.round_conflicts,
            "accepted": int(r["accepted"].astype(bool).sum()),
            "refused": int((~r["accepted"].astype(bool)).sum()),
            "current": len(self.current),
            "history": int((r["accepted"].astype(bool) & ~r["current"].astype(bool)).sum()),
            "refused_rows": [
                {"file": x.file, "sheet": x.sheet, "row": None if pd.isna(x.row) else int(x.row),
                 "unit": x.unit, "task_id": None if pd.isna(x.task_id) else int(x.task_id),
                 "target_id": x.target_id if isinstance(x.target_id, str) else None,
                 "cells": x.cells, "message": x.message}
                for x in self.refused.itertuples()],
        }


# --------------------------------------------------------------------------- cell readers


def _text(v: Any) -> str:
    if not _filled(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFKC", str(v)).strip()


def _keep(v: Any) -> str:
    """Free text kept as written (only trimmed)."""
    if not _filled(v):
        return ""
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    return str(v).strip()


_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(v: Any) -> dt.date | None:
    """A 填报日期 cell: an Excel date, an Excel serial number, or 2026-06-30 / 2026/6/30 /
    2026.6.30 / 2026年6月30日 / 20260630. None when it is none of these."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if isinstance(v, float) and not v.is_integer():
            return None
        n = int(v)
        if 19000101 <= n <= 21001231:
            return parse_date(str(n))
        if 36526 <= n <= 73050:  # Excel serial days (2000–2099) in a cell not formatted as date
            return dt.date(1899, 12, 30) + dt.timedelta(days=n)
        return None
    s = _text(v)
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def _year(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    s = _text(v).removesuffix("年")
    return int(s) if re.fullmatch(r"\d{4}", s) else None


def read_value(v: Any, unit: str, indicator: str,
               overrides: dict[str, numbers.Bound]) -> tuple[float | None, str | None, str | None]:
    """A 数值 cell → (value, problem, note). The number rules of :mod:`greenlib.numbers`, and
    a unit typed into the cell: the target's own unit is read with a note, another unit is
    refused (convert first)."""
    parsed = numbers.parse_number(v, unit)
    note = parsed.warning
    value = parsed.value
    if parsed.error:
        s = _text(v)
        m = re.fullmatch(r"([-+]?[\d.,]+)\s*([^\d\s.,+-].*)", s)
        if not m or m.group(2) in _MAGNITUDE or m.group(2) in ("左右", "上下", "以上"):
            return None, parsed.error, None
        written = m.group(2).strip()
        if written != unit:
            return None, (f"单位“{written}”与目标单位“{unit or '（无）'}”不一致：请换算为目标单位，"
                          "“数值”列只填数字"), None
        again = numbers.parse_number(m.group(1), unit)
        if again.error:
            return None, again.error, None
        value, note = again.value, f"数值带单位“{written}”，按目标单位读取"
    if value is None:
        return None, "为空", None
    bad = numbers.plausibility(value, unit, indicator, overrides)
    if bad:
        return None, bad, None
    return value, None, note


# --------------------------------------------------------------------------- one workbook


@dataclass
class _Sheet:
    ws: Any
    name: str
    header_row: int
    cols: dict[str, int]  # key -> column number (1-based)

    def ref(self, key: str, r: int) -> str:
        """The cell of column ``key`` in row ``r``, as an error message names it (任务!C5)."""
        from openpyxl.utils import get_column_letter

        return f"{self.name}!{get_column_letter(self.cols.get(key, 1))}{r}"


def _find_sheet(wb: Any, name: str, spec: tuple[Col, ...]) -> tuple[_Sheet | None, str | None]:
    """A data sheet by its name, its header row (a title row may precede it) and columns."""
    from openpyxl.utils import get_column_letter

    if name not in wb.sheetnames:
        return None, None
    ws = wb[name]
    want = {c.header: c.key for c in spec}
    for r in range(1, min(ws.max_row, 10) + 1):
        heads = {_text(ws.cell(row=r, column=j).value): j for j in range(1, ws.max_column + 1)}
        found = {want[h]: j for h, j in heads.items() if h in want}
        if spec[0].key in found:
            missing = [c.header for c in spec if c.fill_in and not c.optional
                       and c.key not in found]
            if missing:
                return None, (f"{name}!{get_column_letter(1)}{r}: 表头缺少列 "
                              f"{'、'.join(missing)}（请勿改动表头）")
            return _Sheet(ws, name, r, found), None
    return None, f"{name}: 找不到表头（应含“{spec[0].header}”列）"


def _meta(wb: Any) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames:
        return {}
    ws = wb[META_SHEET]
    return {_text(r[0].value): _text(r[1].value) for r in ws.iter_rows(max_col=2) if r[0].value}


def _raw_meta(wb: Any, key: str) -> str:
    """A _meta value exactly as written (no normalisation: carried texts are compared)."""
    if META_SHEET not in wb.sheetnames:
        return ""
    for r in wb[META_SHEET].iter_rows(max_col=2, values_only=True):
        if r and r[0] == key:
            return "" if r[1] is None else str(r[1])
    return ""


def _info(wb: Any) -> dict[str, Any]:
    """填报人 / 联系电话 / 审核人 of the 报送信息 sheet (None when absent)."""
    from .books import INFO_FIELDS, INFO_SHEET

    out: dict[str, Any] = {"filled_by": None, "phone": None, "reviewer": None}
    if INFO_SHEET not in wb.sheetnames:
        return out
    label = {lab: key for key, lab, _ in INFO_FIELDS}
    for r in wb[INFO_SHEET].iter_rows(max_col=2, values_only=True):
        if r and r[0] in label and label[r[0]] in out:
            out[label[r[0]]] = _keep(r[1]) or None
    return out


def _which_unit(wb: Any, path: Path, plan_id: str, units: list[str]
                ) -> tuple[str | None, str, str | None]:
    """(unit, how it was told, file-level problem). The hidden meta sheet first, then the
    file name (the longest unit name it contains), then the 说明 sheet's 填报单位 line."""
    meta = _meta(wb)
    if meta.get("kind") == META_KIND:
        if meta.get("plan_id") and meta["plan_id"] != plan_id:
            return None, "", (f"这是规划 {meta['plan_id']} 的填报表，不属于本规划 {plan_id}；"
                              "请放入该规划的 progress/ 文件夹")
        if meta.get("unit") in units:
            return meta["unit"], "隐藏工作表 _meta", None
    stem = unicodedata.normalize("NFKC", path.stem)
    hits = sorted((u for u in units if u in stem), key=len, reverse=True)
    if hits and not any(h not in hits[0] for h in hits[1:]):
        return hits[0], "文件名", None
    if HELP_SHEET in wb.sheetnames:
        for row in wb[HELP_SHEET].iter_rows(max_row=5, max_col=1):
            m = re.match(r"填报单位[:：]\s*(\S+)", _text(row[0].value))
            if m and m.group(1) in units:
                return m.group(1), "说明页“填报单位”", None
    return None, "", ("无法确定填报单位：隐藏工作表 _meta 缺失或被改动，文件名和说明页也没有写明"
                      "单位全称；请用下发的填报表填写，或在文件名中写明单位名称（如 区林业局.xlsx）")


def _base(file: str, mtime: str, unit: str | None, basis: str) -> dict[str, Any]:
    return {c: None for c in RETURN_COLUMNS} | {
        "file": file, "unit": unit, "file_mtime": mtime, "unit_basis": basis,
        "accepted": False, "current": False, "cells": "", "message": ""}


def _filled_rows(s: _Sheet, spec: tuple[Col, ...]) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """(row number, {key: value}) of rows with anything in a fill-in column; and how many
    rows were left as sent (given cells only)."""
    fill = [c.key for c in spec if c.fill_in]
    out, unfilled = [], 0
    for r in range(s.header_row + 1, s.ws.max_row + 1):
        vals = {k: _cell_value(s.ws.cell(row=r, column=j)) for k, j in s.cols.items()}
        if any(_filled(vals.get(k)) for k in fill):
            out.append((r, vals))
        elif any(_filled(v) for v in vals.values()):
            unfilled += 1
    return out, unfilled


@dataclass
class Context:
    """What a return is checked against."""

    inputs: Inputs
    plan_id: str
    as_of: dt.date
    earliest: dt.date | None
    overrides: dict[str, numbers.Bound]
    #: the day the books are read: only a 填报日期 after it is "in the future"
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        tu = self.inputs.task_units
        self.roles = {(int(t), u): r for t, u, r in zip(tu["task_id"], tu["unit"], tu["role"],
                                                         strict=True)}
        self.task_lead = {int(t): u for t, u in zip(self.inputs.tasks["task_id"],
                                                     self.inputs.tasks["lead_unit"], strict=True)}
        self.target = {r["target_id"]: r for _, r in self.inputs.targets.iterrows()}
        self.reporters = {r.target_id: list(r.reporters) for r in self.inputs.owners.itertuples()}


def _check_date(v: Any, ref: str, ctx: Context, problems: list[tuple[str, str]]
                ) -> dt.date | None:
    d = parse_date(v)
    if not _filled(v):
        problems.append((ref, "填报日期为空（写成 2026-06-30 这样的日期）"))
    elif d is None:
        problems.append((ref, f"填报日期“{_keep(v)}”不是日期（写成 2026-06-30）"))
    elif d > ctx.today:
        problems.append((ref, f"填报日期 {d} 晚于今天 {ctx.today}（未来的日期）"))
    elif ctx.earliest and d < ctx.earliest:
        problems.append((ref, f"填报日期 {d} 早于规划期开始（{ctx.earliest}）"))
    else:
        return d
    return None


def _task_rows(s: _Sheet, unit: str, ctx: Context, base: dict[str, Any], carried: str = ""
               ) -> tuple[list[dict[str, Any]], int]:
    from .books import carried_unchanged

    ref = s.ref
    rows, unfilled = _filled_rows(s, TASK_COLUMNS)
    out = []
    for r, v in rows:
        if not _filled(v.get("report_date")) and not any(
                _filled(v.get(k)) for k in ("measures", "measures_owner", "measures_due")) \
                and carried_unchanged(carried, _text(v.get("task_id")), _keep(v.get("status")),
                                      _keep(v.get("progress")), _keep(v.get("evidence"))):
            unfilled += 1  # sent back as the book carried it forward: no new report
            continue
        problems: list[tuple[str, str]] = []
        rec = dict(base) | {"sheet": s.name, "row": r, "kind": "task",
                            "progress": _keep(v.get("progress")),
                            "evidence": _keep(v.get("evidence")),
                            "measures": _keep(v.get("measures")),
                            "measures_owner": _keep(v.get("measures_owner")),
                            "measures_due": _keep(v.get("measures_due"))}
        raw_id = _text(v.get("task_id"))
        tid = int(raw_id) if raw_id.isdigit() else None
        if tid is None:
            problems.append((ref("task_id", r), f"任务编号“{raw_id}”不是编号" if raw_id
                             else "任务编号为空"))
        elif tid not in ctx.task_lead:
            problems.append((ref("task_id", r), f"规划附件中没有任务 {tid}"))
        elif (tid, unit) not in ctx.roles:
            listed = "、".join(sorted(u for (t, u) in ctx.roles if t == tid)) or "（无）"
            problems.append((ref("task_id", r), f"{unit}不承担任务 {tid}（规划列明的责任单位："
                                                f"{listed}）"))
        else:
            rec["role"] = ctx.roles[(tid, unit)]
        rec["task_id"] = tid
        word = status_word(v.get("status"))
        if not word:
            problems.append((ref("status", r), "进展状态为空"))
        elif word not in STATUS_READ:
            problems.append((ref("status", r), f"进展状态“{_keep(v.get('status'))}”不在 "
                                               f"{'、'.join(STATUS_CODE)} 之中"))
        else:
            rec["status"] = STATUS_READ[word]
        if rec["status"] == "completed" and not rec["evidence"]:
            problems.append((ref("evidence", r), "填报“已完成”须写明佐证材料（文件名称、文号或网址）"))
        d = _check_date(v.get("report_date"), ref("report_date", r), ctx, problems)
        rec["report_date"] = d.isoformat() if d else _keep(v.get("report_date")) or None
        _verdict(rec, problems)
        out.append(rec)
    return out, unfilled


def _target_rows(s: _Sheet, unit: str, ctx: Context, base: dict[str, Any],
                 fallback_date: tuple[dt.date | None, str]) -> tuple[list[dict[str, Any]], int]:
    ref = s.ref
    rows, unfilled = _filled_rows(s, TARGET_COLUMNS)
    out = []
    for r, v in rows:
        problems: list[tuple[str, str]] = []
        notes: list[str] = []
        rec = dict(base) | {"sheet": s.name, "row": r, "kind": "target",
                            "source": _keep(v.get("source")), "note": _keep(v.get("note"))}
        tid = _text(v.get("target_id")).upper()
        t = ctx.target.get(tid)
        if not tid:
            problems.append((ref("target_id", r), "目标编号为空"))
        elif t is None:
            problems.append((ref("target_id", r), f"规划中没有目标 {tid}"))
        elif unit not in ctx.reporters.get(tid, []):
            who = "、".join(ctx.reporters.get(tid, [])) or "（未指定）"
            problems.append((ref("target_id", r), f"目标 {tid} 不由{unit}填报（应由 {who} 填报）"))
        rec["target_id"] = tid or None
        unit_cell = _text(v.get("unit"))
        if t is not None and unit_cell and unit_cell != t["unit"]:
            problems.append((ref("unit", r), f"单位“{unit_cell}”与目标单位“{t['unit']}”不一致"
                                             "（灰色列请勿改动；数值请换算为目标单位）"))
        y_raw, v_raw = v.get("obs_year"), v.get("obs_value")
        if not _filled(y_raw) and not _filled(v_raw):
            notes.append("未填年份和数值：仅作说明，不作为监测数据")
        else:
            year = _year(y_raw)
            if not _filled(y_raw):
                problems.append((ref("obs_year", r), "年份为空"))
            elif year is None:
                problems.append((ref("obs_year", r), f"年份“{_keep(y_raw)}”不是四位年份"))
            elif not 2000 <= year <= ctx.as_of.year:
                problems.append((ref("obs_year", r), f"年份 {year} 不合理（应在 2000—"
                                                     f"{ctx.as_of.year} 之间）"))
            rec["year"] = year
            if not _filled(v_raw):
                problems.append((ref("obs_value", r), "数值为空"))
            elif t is not None:
                value, bad, note = read_value(v_raw, t["unit"], t["indicator"], ctx.overrides)
                if bad:
                    problems.append((ref("obs_value", r), f"数值“{_keep(v_raw)}”：{bad}"))
                if note:
                    notes.append(note)
                rec["value"] = value
            rec["value_unit"] = t["unit"] if t is not None else None
        if _filled(v.get("report_date")):
            d = _check_date(v.get("report_date"), ref("report_date", r), ctx, problems)
        else:
            d, how = fallback_date
            if d is not None:
                notes.append(f"填报日期未填，取{how} {d}")
        rec["report_date"] = d.isoformat() if d else _keep(v.get("report_date")) or None
        _verdict(rec, problems, notes)
        out.append(rec)
    return out, unfilled


def _verdict(rec: dict[str, Any], problems: list[tuple[str, str]],
             notes: list[str] | None = None) -> None:
    rec["accepted"] = not problems
    rec["cells"] = ";".join(dict.fromkeys(c for c, _ in problems))
    rec["message"] = "；".join([f"{c}: {m}" for c, m in problems] + (notes or []))


def read_workbook(path: Path, name: str, ctx: Context) -> tuple[list[dict[str, Any]],
                                                                 dict[str, Any]]:
    """Records of one returned workbook, and a summary line for monitor.json."""
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    info: dict[str, Any] = {"file": name, "unit": None, "unit_basis": None, "rows": 0,
                            "accepted": 0, "refused": 0, "unfilled_rows": 0, "problem": None}
    wb, unreadable = return_files.open_return(path, name)  # bombs, encrypted, damaged
    if unreadable:
        rec = _base(name, mtime, None, "") | {"message": unreadable}
        info["problem"] = rec["message"]
        return [rec], info
    # the name as listed (a name that was not UTF-8 read as GBK) tells the unit
    unit, basis, problem = _which_unit(wb, Path(name), ctx.plan_id, ctx.inputs.unit_names)
    clash = return_files.unit_disagreement(wb, unit, basis, HELP_SHEET, ctx.inputs.unit_names)
    if clash:
        unit, basis, problem = None, "", clash
    info["unit"], info["unit_basis"] = unit, basis
    sheets: dict[str, _Sheet] = {}
    sheet_problems = []
    for sname, spec in ((TASK_SHEET, TASK_COLUMNS), (TARGET_SHEET, TARGET_COLUMNS)):
        s, p = _find_sheet(wb, sname, spec)
        if s is not None:
            sheets[sname] = s
        elif p:
            sheet_problems.append(p)
    if not sheets and not sheet_problems:
        problem = problem or (f"不是填报表：没有“{TASK_SHEET}”或“{TARGET_SHEET}”工作表"
                              f"（现有：{'、'.join(wb.sheetnames)}）")
    base = _base(name, mtime, unit, basis) | _info(wb)
    info.update({k: base[k] for k in ("filled_by", "phone", "reviewer")})
    records: list[dict[str, Any]] = []
    for p in sheet_problems:
        records.append(base | {"sheet": p.split("!")[0].split(":")[0], "message": p})
    if problem:
        # Rows of a file that cannot be used are each listed, refused with the file's reason.
        for sname, s in sheets.items():
            spec = TASK_COLUMNS if sname == TASK_SHEET else TARGET_COLUMNS
            for r, v in _filled_rows(s, spec)[0]:
                key = "task_id" if sname == TASK_SHEET else "target_id"
                ident = _text(v.get(key))
                records.append(base | {
                    "sheet": sname, "row": r, "kind": "task" if sname == TASK_SHEET else "target",
                    key: (int(ident) if ident.isdigit() else None) if key == "task_id"
                    else (ident or None), "message": problem})
        if not any(r.get("row") for r in records):
            records.append(base | {"message": problem})
        info["problem"] = problem
    else:
        assert unit is not None
        if TASK_SHEET in sheets:
            recs, n = _task_rows(sheets[TASK_SHEET], unit, ctx, base, _raw_meta(wb, "carried"))
            records += recs
            info["unfilled_rows"] += n
        dates = [dt.date.fromisoformat(r["report_date"]) for r in records
                 if r.get("accepted") and r.get("report_date")]
        fallback = ((max(dates), "本表“重点任务”最新填报日期") if dates
                    else (dt.date.fromisoformat(mtime[:10]), "文件修改日期"))
        if fallback[0] > ctx.today:
            fallback = (None, "")
        if TARGET_SHEET in sheets:
            recs, n = _target_rows(sheets[TARGET_SHEET], unit, ctx, base, fallback)
            records += recs
            info["unfilled_rows"] += n
    records = return_files.refuse_unsaved_formulas(
        records, return_files.unsaved_formulas(path, wb, tuple(sheets)), base)
    info["rows"] = len(records)
    info["accepted"] = sum(bool(r["accepted"]) for r in records)
    info["refused"] = info["rows"] - info["accepted"]
    return records, info


# --------------------------------------------------------------------------- a folder


def progress_files(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(workbooks, refused spreadsheets, other files) under ``folder``, sorted by path."""
    if not folder.exists():
        return [], [], []
    books, refused, other = [], [], []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        # hidden files and Excel's lock files are skipped; a name such as "..\\区林业局.xlsx"
        # (a Windows path unpacked on Linux) is a return like any other
        if not p.is_file() or any(x.startswith("~$") or (x.startswith(".")
                                                         and not x.startswith("..")
                                                         ) for x in rel.parts):
            continue
        s = p.suffix.lower()
        if s in WORKBOOK_SUFFIXES:
            books.append(p)
        elif s in REFUSED_SUFFIXES:
            refused.append(p)
        elif p.name.lower() not in ("readme.md", "readme.txt"):
            other.append(p)
    return books, refused, other


def read_returns(folder: Path | None, ctx: Context) -> Returns:
    """Read, validate and merge every return under ``folder`` (see the module docstring and
    :mod:`greenlib.monitor.rounds`)."""
    from dataclasses import replace

    from . import rounds as rounds_mod

    folder = Path(folder) if folder else Path("/nonexistent")
    books, refused, other = progress_files(folder)
    records: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    bad: dict[str, dict[str, Any]] = {}
    later: dict[str, dict[str, Any]] = {}
    for p in [*books, *refused]:
        name, odd = return_files.file_name(folder, p)
        rnd, problem = rounds_mod.round_of(name, ctx.as_of)
        mtime = dt.datetime.fromtimestamp(p.stat().st_mtime).isoformat(timespec="seconds")
        if rnd is not None and rnd.as_of > ctx.as_of:
            later.setdefault(rnd.name, {"round": rnd.name, "as_of": rnd.as_of.isoformat(),
                                        "files": []})["files"].append(name)
            continue
        if rnd is None:
            top = name.split("/")[0]
            bad.setdefault(top, {"folder": top, "message": problem, "files": []})["files"].append(name)
            recs = [_base(name, mtime, None, "") | {"message": problem}]
            info = {"file": name, "unit": None, "rows": 1, "accepted": 0, "refused": 1,
                    "problem": problem}
        elif p.suffix.lower() in WORKBOOK_SUFFIXES:
            recs, info = read_workbook(p, name, replace(ctx, as_of=rnd.as_of))
            for r in recs if odd else []:
                r["message"] = "；".join(x for x in (odd, r.get("message") or "") if x)
            if odd:
                info = info | {"note": odd}
        else:
            msg = f"不支持的文件类型 {p.suffix}：请用 Excel 另存为 .xlsx"
            recs = [_base(name, mtime, None, "") | {"message": msg}]
            info = {"file": name, "unit": None, "rows": 1, "accepted": 0, "refused": 1,
                    "problem": msg}
        for r in recs:
            r["round"] = rnd.name if rnd else None
            r["round_as_of"] = rnd.as_of.isoformat() if rnd else None
            _round_notes(r, rnd, ctx.as_of)
        info["round"] = rnd.name if rnd else None
        records += recs
        files.append(info)
        if rnd is not None:
            x = seen.setdefault(rnd.label, {"round": rnd.name, "label": rnd.label,
                                            "as_of": rnd.as_of.isoformat(), "files": 0,
                                            "units": []})
            x["files"] += 1
            if info.get("unit") and info["unit"] not in x["units"]:
                x["units"].append(info["unit"])
    cells = {"task": _col_letter(TASK_COLUMNS, "status"),
             "target": _col_letter(TARGET_COLUMNS, "obs_value")}
    conflicts = rounds_mod.settle_rounds(records, cells)
    df = pd.DataFrame(records, columns=RETURN_COLUMNS)
    df = rounds_mod.mark_current(df)
    df["row"] = df["row"].astype("Int64")
    df["task_id"] = df["task_id"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    rounds = sorted(seen.values(), key=lambda x: (x["as_of"], x["round"]))
    return Returns(df, files, [return_files.file_name(folder, p)[0] for p in other], rounds,
                   list(bad.values()), sorted(later.values(), key=lambda x: x["as_of"]),
                   conflicts)


def _col_letter(spec: tuple[Col, ...], key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(spec, start=1) if c.key == key))


def _round_notes(r: dict[str, Any], rnd: Any, run_as_of: dt.date) -> None:
    """A row dated after its round's date is late (still counted); a row at the top of
    progress/ dated after the run's as-of is kept but not counted at that as-of."""
    r["late"] = False
    r["counted"] = True
    d = r.get("report_date")
    if rnd is None or not r.get("accepted") or not d or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
        return
    if rnd.name and d > rnd.as_of.isoformat():
        r["late"] = True
        r["message"] = "；".join(x for x in (r["message"], f"填报日期晚于本轮截止日期 {rnd.as_of}"
                                              "（逾期报送，仍予采用）") if x)
    elif not rnd.name and d > run_as_of.isoformat():
        r["counted"] = False
        r["message"] = "；".join(x for x in (r["message"], f"填报日期晚于评估日 {run_as_of}，"
                                              "不计入截至该日的评估（仍保留）") if x)


__all__ = ["Context", "Returns", "read_returns", "read_workbook"]
