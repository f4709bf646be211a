"""The next round's books: what each department's workbook carries forward from the last.

``make requests [ROUND=2026-12-31]`` writes the books of a round. Each book carries, for every
task of the unit, its last accepted status, 进展说明 and 佐证材料 (in the fill-in cells, so a
department edits rather than retypes), the task's light and reason (上期信号灯), columns for
the 整改措施 / 责任人 / 整改时限 of a red item (督办), a 退回 sheet listing the unit's refused
rows with the reason and the cell, and a 报送信息 sheet (报送截止日期 = the round's date, 填报人,
联系电话, 审核人). The previous state is read from the data folder the last ``make data``
wrote (returns.csv, task_status.csv); without it the books are blank, as in the first round.

A carried row sent back unchanged and without a new 填报日期 is not a new report
(:func:`carried_unchanged`). Books are byte-identical for identical inputs: the workbook's
created/modified times and every zip entry's time are the round's date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels, office

#: Fills of the request books: grey for given cells, yellow for cells to fill in.
GREY = "E7E6E6"
YELLOW = "FFF2CC"
INFO_SHEET = "报送信息"
REFUSED_SHEET = "退回"
#: 报送信息: (key, label, fill-in) rows; the answers are read back with the return.
INFO_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("round", "填报轮次", False), ("deadline", "报送截止日期", False),
    ("filled_by", "填报人", True), ("phone", "联系电话", True), ("reviewer", "审核人", True),
)
REFUSED_HEADERS = ("原填报文件", "工作表", "单元格", "任务/目标", "退回原因")


@dataclass
class Previous:
    """The state a round's books carry forward (empty for the first round)."""

    #: (unit, task id) → the unit's last accepted return (status code, progress, evidence, date)
    carry: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    #: task id → (light, rule code, Chinese reason) of the last run
    lights: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    #: unit → its refused rows of the last round (file, sheet, cells, what, message)
    refused: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: the label of the round they come from
    round: str = ""


def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def load_previous(data_dir: Path) -> Previous:
    """The last run's returns and task lights (nothing when ``make data`` found none)."""
    data = Path(data_dir)
    prev = Previous()
    ts_path, ret_path = data / contract.TASK_STATUS, data / contract.RETURNS
    if ts_path.exists():
        ts = pd.read_csv(ts_path, keep_default_na=False, na_values=[""])
        code = ts["light_code"] if "light_code" in ts else ts["light"]
        prev.lights = {int(t): (str(li), _text(c), _text(r)) for t, li, c, r in
                       zip(ts["task_id"], ts["light"], code, ts["rule"], strict=True)}
        prev.round = _text(ts["round"].iloc[0]) if "round" in ts and len(ts) else ""
    if not ret_path.exists():
        return prev
    ret = pd.read_csv(ret_path, keep_default_na=False, na_values=[""],
                      dtype={"message": str, "cells": str, "target_id": str})
    if ret.empty:
        return prev
    ok = ret[ret["accepted"].astype(str).eq("True") & ret["current"].astype(str).eq("True")
             & ret["kind"].eq("task")]
    for r in ok.itertuples():
        prev.carry[(r.unit, int(r.task_id))] = {
            "status": r.status, "progress": _text(r.progress), "evidence": _text(r.evidence),
            "report_date": _text(r.report_date)}
    label = (ret["round"].fillna("").where(ret["round"].fillna("") != "",
                                           ret["round_as_of"].fillna(""))
             if "round" in ret else pd.Series("", index=ret.index))
    bad = ret[~ret["accepted"].astype(str).eq("True")]
    if prev.round:
        bad = bad[label[bad.index] == prev.round]
    for r in bad.itertuples():
        if not _text(r.unit):
            continue
        what = (f"任务 {int(r.task_id)}" if pd.notna(r.task_id) else
                f"目标 {r.target_id}" if _text(r.target_id) else "整个文件")
        prev.refused.setdefault(r.unit, []).append({
            "file": r.file, "sheet": _text(r.sheet), "cells": _text(r.cells).replace(";", "、"),
            "what": what, "message": _plain(_text(r.message))})
    return prev


def _plain(message: str) -> str:
    """A refusal as the clerk reads it: the cell prefix of each problem made plain Chinese."""
    return re.sub(r"(^|；)([^；:]+)!([A-Z]+\d+): ", r"\1\2 \3 单元格：", message)


def status_word(code: Any) -> str:
    return labels.TASK_STATUS.get(_text(code), "")


def carried_json(rows: dict[int, dict[str, Any]]) -> str:
    """What the _meta sheet records of the carried cells (to tell an unchanged row)."""
    return json.dumps({str(t): [status_word(c["status"]), c["progress"], c["evidence"]]
                       for t, c in sorted(rows.items())}, ensure_ascii=False, sort_keys=True)


def carried_unchanged(meta_value: str, task_id: Any, status: Any, progress: Any,
                      evidence: Any) -> bool:
    """True when a row is exactly what the book carried forward (no new report)."""
    try:
        carried = json.loads(meta_value or "{}")
    except ValueError:
        return False
    was = carried.get(str(task_id))
    return was is not None and [_text(status).strip(), _text(progress).strip(),
                                _text(evidence).strip()] == [str(x).strip() for x in was]


def add_info_sheet(wb: Any, round_label: str, deadline: str) -> None:
    """报送信息: the round and its 报送截止日期 (given), 填报人 / 联系电话 / 审核人 (fill in)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection


    ws = wb.create_sheet(INFO_SHEET)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    values = {"round": round_label, "deadline": deadline}
    for i, (key, label, fill_in) in enumerate(INFO_FIELDS, start=1):
        a, b = ws.cell(row=i, column=1, value=label), ws.cell(row=i, column=2,
                                                              value=values.get(key))
        a.font = Font(bold=True)
        b.fill = PatternFill("solid", fgColor=YELLOW if fill_in else GREY)
        b.protection = Protection(locked=not fill_in)
        b.alignment = Alignment(vertical="top")
    ws.cell(row=len(INFO_FIELDS) + 2, column=1,
            value=f"请于 {deadline} 前报送；填报人、联系电话、审核人请填写完整。")
    ws.protection.sheet = True


def add_refused_sheet(wb: Any, rows: list[dict[str, Any]]) -> None:
    """退回: the unit's refused rows of the last round, with the cell and the reason."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(REFUSED_SHEET)
    ws.append(list(REFUSED_HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([r["file"], r["sheet"], r["cells"], r["what"], r["message"]])
    if not rows:
        ws.append(["", "", "", "", "上一轮没有被退回的填报。"])
    for col, w in zip("ABCDE", (28, 10, 14, 12, 80), strict=True):
        ws.column_dimensions[col].width = w
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def save_fixed(wb: Any, path: Path, day: dt.date) -> None:
    """Save ``wb`` so that identical inputs give identical bytes: document times and zip
    entry times set to ``day`` (:func:`greenlib.office.fix_office_file`, shared with
    plan.xlsx and the monitoring template), written through a temporary sibling."""
    stamp = dt.datetime(day.year, day.month, day.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    office.fix_office_file(tmp, day.isoformat())
    tmp.replace(path)
