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
import math
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
                  "unit_basis"]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Spreadsheet formats that cannot be read: listed as a refused file, never skipped quietly.
REFUSED_SUFFIXES = (".xls", ".et", ".ods", ".csv", ".numbers", ".wps")
STATUS_CODE = {labels.TASK_STATUS[k]: k for k in labels.TASK_STATUS_REPORTABLE}
_MAGNITUDE = {"万", "亿", "千", "百", "十"}


@dataclass
class Returns:
    """Everything read from a progress folder."""

    rows: pd.DataFrame
    files: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

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
            missing = [c.header for c in spec if c.fill_in and c.key not in found]
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
    elif d > ctx.as_of:
        later = ("未来的日期" if d > dt.date.today() else
                 "评估日之后的填报不计入截至该日的评估")
        problems.append((ref, f"填报日期 {d} 晚于评估日 {ctx.as_of}（{later}）"))
    elif ctx.earliest and d < ctx.earliest:
        problems.append((ref, f"填报日期 {d} 早于规划期开始（{ctx.earliest}）"))
    else:
        return d
    return None


def _task_rows(s: _Sheet, unit: str, ctx: Context, base: dict[str, Any]
               ) -> tuple[list[dict[str, Any]], int]:
    ref = s.ref
    rows, unfilled = _filled_rows(s, TASK_COLUMNS)
    out = []
    for r, v in rows:
        problems: list[tuple[str, str]] = []
        rec = dict(base) | {"sheet": s.name, "row": r, "kind": "task",
                            "progress": _keep(v.get("progress")),
                            "evidence": _keep(v.get("evidence"))}
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
        word = _text(v.get("status"))
        if not word:
            problems.append((ref("status", r), "进展状态为空"))
        elif word not in STATUS_CODE:
            problems.append((ref("status", r), f"进展状态“{word}”不在 "
                                               f"{'、'.join(STATUS_CODE)} 之中"))
        else:
            rec["status"] = STATUS_CODE[word]
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
    base = _base(name, mtime, unit, basis)
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
            recs, n = _task_rows(sheets[TASK_SHEET], unit, ctx, base)
            records += recs
            info["unfilled_rows"] += n
        dates = [dt.date.fromisoformat(r["report_date"]) for r in records
                 if r.get("accepted") and r.get("report_date")]
        fallback = ((max(dates), "本表“重点任务”最新填报日期") if dates
                    else (dt.date.fromisoformat(mtime[:10]), "文件修改日期"))
        if fallback[0] > ctx.as_of:
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
    """Read, validate and merge every return under ``folder`` (see the module docstring)."""
    folder = Path(folder) if folder else Path("/nonexistent")
    books, refused, other = progress_files(folder)
    records: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for p in books:
        name, odd = return_files.file_name(folder, p)
        recs, info = read_workbook(p, name, ctx)
        for r in recs if odd else []:
            r["message"] = "；".join(x for x in (odd, r.get("message") or "") if x)
        records += recs
        files.append(info | ({"note": odd} if odd else {}))
    for p in refused:
        name = return_files.file_name(folder, p)[0]
        mtime = dt.datetime.fromtimestamp(p.stat().st_mtime).isoformat(timespec="seconds")
        msg = f"不支持的文件类型 {p.suffix}：请用 Excel 另存为 .xlsx"
        records.append(_base(name, mtime, None, "") | {"message": msg})
        files.append({"file": name, "unit": None, "rows": 1, "accepted": 0, "refused": 1,
                      "problem": msg})
    df = pd.DataFrame(records, columns=RETURN_COLUMNS)
    df = _mark_current(df)
    df["row"] = df["row"].astype("Int64")
    df["task_id"] = df["task_id"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    return Returns(df, files, [return_files.file_name(folder, p)[0] for p in other])


def _mark_current(df: pd.DataFrame) -> pd.DataFrame:
    """The latest accepted report per (task, unit) and (target, unit, year) is current."""
    df = df.copy()
    recs = df.to_dict("records")
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(recs):
        r["current"] = False
        if not r["accepted"]:
            continue
        key = ((r["kind"], r["unit"], r["task_id"]) if r["kind"] == "task"
               else (r["kind"], r["unit"], r["target_id"], r["year"]))
        groups.setdefault(key, []).append(i)
    for idx in groups.values():
        idx = sorted(idx, key=lambda i: (recs[i]["report_date"] or "", recs[i]["file_mtime"] or "",
                                         recs[i]["file"], recs[i]["row"] or 0))
        last = recs[idx[-1]]
        last["current"] = True
        for i in idx[:-1]:
            recs[i]["superseded_by"] = f"{last['file']} {last['sheet']}!{last['row']}"
    return pd.DataFrame(recs, columns=df.columns)


# --------------------------------------------------------------------------- figures


def department_observations(ret: Returns, inputs: Inputs, geo: str | None) -> pd.DataFrame:
    """Current accepted figures as observations tied to their target (the LINK columns of
    :mod:`greenlib.monitor.observations`, plus ``reported_by``, ``report_date``, ``owner``)."""
    from .indicator_map import CHANGE_COMPARATORS
    from .observations import LINK_COLUMNS

    cur = ret.current
    cur = cur[(cur["kind"] == "target") & cur["value"].notna()]
    owner = dict(zip(inputs.owners["target_id"], inputs.owners["owner_unit"], strict=True))
    targets = {r["target_id"]: r for _, r in inputs.targets.iterrows()}
    rows = []
    for r in cur.itertuples():
        t = targets[r.target_id]
        measure = "change" if t["comparator"] in CHANGE_COMPARATORS else "level"
        quote = "；".join(x for x in (f"来源：{r.source}" if r.source else "",
                                      f"备注：{r.note}" if r.note else "") if x)
        rows.append({
            "target_id": r.target_id, "indicator": t["indicator"],
            "target_indicator": t["indicator"], "geo": geo or "", "year": int(r.year),
            "value": float(r.value), "unit": t["unit"], "observed_value": float(r.value),
            "observed_unit": t["unit"], "measure": measure, "partial_year": False,
            "context": False,
            "source_title": f"{r.unit}填报（{r.file}，{r.report_date or '日期未知'}）",
            "source_url": "", "quote": quote, "file": f"progress/{r.file} [{r.sheet}]",
            "row": int(r.row), "reported_by": r.unit, "report_date": r.report_date,
            "owner": r.unit == owner.get(r.target_id),
        })
    cols = [*LINK_COLUMNS, "reported_by", "report_date", "owner"]
    df = pd.DataFrame(rows, columns=cols)
    df["year"] = df["year"].astype("Int64")
    return df


@dataclass
class Merged:
    """Public and department figures together."""

    rating: pd.DataFrame      # what rates the targets (build_status's ``linked``)
    shown: pd.DataFrame       # every figure for observations.csv
    conflicts: list[dict[str, Any]]
    #: (file, row) of a department figure that does not rate → (usage, why)
    not_rating: dict[tuple[str, int], tuple[str, str]]
    #: (file, row) of every department figure → the unit that reported it
    department: dict[tuple[str, int], str] = field(default_factory=dict)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def merge_with_public(public: pd.DataFrame, dept: pd.DataFrame) -> Merged:
    """Which department figures rate a target (docs/assumptions.md R3).

    A public full-year figure of the plan's geo for the same target and year wins; the
    department's is shown beside it and, if it differs, listed as a conflict. A department
    figure of another measure than the public series (level vs cumulative change) does not
    rate. Between departments for one target and year, the owner unit's figure wins, else
    the latest report; differing values are conflicts too.
    """
    conflicts: list[dict[str, Any]] = []
    not_rating: dict[tuple[str, int], tuple[str, str]] = {}
    pub = public[~public["context"]] if len(public) else public
    pub_at = {(r["target_id"], int(r["year"])): r for r in pub.to_dict("records")
              if pd.notna(r["year"])}
    keep = []
    for (tid, year), g in dept.groupby(["target_id", "year"], sort=True):
        pv = pub_at.get((tid, int(year)))
        if pv is not None:
            for r in g.itertuples():
                differ = not _same(r.value, float(pv["value"]))
                why = (f"与公开数据不一致（公开 {pv['value']:g}，{r.reported_by}填报 {r.value:g}）"
                       if differ else "与公开数据一致") + "；同年有公开数据，评级采用公开数据"
                not_rating[(r.file, r.row)] = ("参考（同年有公开数据）", why)
                if differ:
                    conflicts.append(_conflict(r, "public", pv["value"], pv["source_title"],
                                               f"{pv['file']}, row {pv['row']}"))
            continue
        measures = {m for (t, _), x in pub_at.items() if t == tid for m in [x["measure"]]}
        if measures and measures != set(g["measure"]):
            for r in g.itertuples():
                not_rating[(r.file, r.row)] = (
                    "参考（口径不同）", f"公开数据口径为 {'/'.join(sorted(measures))}，本填报为 "
                                     f"{r.measure}（累计变化量/水平值），不混合评级")
            continue
        g = g.sort_values(["owner", "report_date", "file", "row"], kind="stable")
        win = g.iloc[-1]
        keep.append(win)
        for r in g.iloc[:-1].itertuples():
            differ = not _same(r.value, float(win["value"]))
            not_rating[(r.file, r.row)] = (
                "参考（同年另有部门填报）",
                f"同年采用{win['reported_by']}的填报（{win['value']:g}）"
                + ("，两者不一致" if differ else ""))
            if differ:
                conflicts.append(_conflict(r, "department", win["value"], win["source_title"],
                                           f"{win['file']}, row {win['row']}"))
    chosen = pd.DataFrame(keep, columns=dept.columns) if keep else dept.iloc[0:0]
    cols = list(public.columns)
    rating = pd.concat([public, chosen[cols]], ignore_index=True) if len(chosen) else public
    shown = pd.concat([public, dept[cols]], ignore_index=True) if len(dept) else public
    for df in (rating, shown):
        df["year"] = df["year"].astype("Int64")
        df["partial_year"] = df["partial_year"].astype(bool)
        df["context"] = df["context"].astype(bool)
    who = {(f, int(r)): u for f, r, u in zip(dept["file"], dept["row"], dept["reported_by"],
                                              strict=True)}
    return Merged(rating, shown, conflicts, not_rating, who)


def _conflict(r: Any, against: str, other_value: float, other_source: str,
              other_where: str) -> dict[str, Any]:
    return {"target_id": r.target_id, "indicator": r.target_indicator, "year": int(r.year),
            "unit": r.unit, "reported_by": r.reported_by, "department_value": float(r.value),
            "department_source": r.source_title, "department_where": f"{r.file}, row {r.row}",
            "against": against, "other_value": float(other_value), "other_source": other_source,
            "other_where": other_where,
            "rated_with": "public" if against == "public" else "department (owner/latest)"}


def mark_department(observations: pd.DataFrame, merged: Merged) -> pd.DataFrame:
    """observations.csv with ``source_kind`` (public / department) and ``reported_by``, and
    department figures that do not rate marked so, with the reason."""
    df = observations.copy()
    who = merged.department
    kinds, by = [], []
    for i, r in df.iterrows():
        key = (str(r["file"]), int(r["row"])) if pd.notna(r["row"]) else None
        if key in who:
            kinds.append("department")
            by.append(who[key])
            if key in merged.not_rating:
                usage, why = merged.not_rating[key]
                df.at[i, "rated"] = False
                df.at[i, "usage"] = usage
                df.at[i, "why"] = why
            elif df.at[i, "rated"]:
                df.at[i, "usage"] = "评级（部门填报）"
                df.at[i, "why"] = "部门填报的全年数据，同年无公开数据，用于评级"
        else:
            kinds.append("public")
            by.append("")
    df["source_kind"] = kinds
    df["reported_by"] = by
    return df
