"""Opening a returned workbook safely, and what the file itself says (issue 21).

Kept apart from :mod:`.returns` (which validates and merges the rows) so that the guards on
the *file* stay in one place: a zip bomb or an encrypted workbook refused before openpyxl
opens it (:func:`open_return`), a file name that is not UTF-8 shown readably
(:func:`file_name`), a formula cell whose result was never saved named by cell
(:func:`unsaved_formulas`, :func:`refuse_unsaved_formulas`), and a workbook credited by its
file name to one department whose 说明 sheet names another (:func:`unit_disagreement`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .. import guards
from ..errors import InputError

#: What a cell holding a formula without a saved result is told (issue 21).
UNSAVED_FORMULA = "公式没有保存计算结果，请在 Excel 中打开并保存后再报送"


def file_name(folder: Path, path: Path) -> tuple[str, str]:
    """(the name a return is listed under, a note when its bytes were not UTF-8)."""
    raw = path.relative_to(folder).as_posix()
    shown, odd = guards.display_name(raw)
    if not odd:
        return raw, ""
    return shown, (f"文件名不是 UTF-8 编码（原样显示为 {guards.replacement_form(raw)}，"
                   f"按 GBK 读作 {shown}），已照常读取；建议改用 UTF-8 文件名")


def open_return(path: Path, name: str) -> tuple[Any, str | None]:
    """(the workbook with saved values, None) or (None, why it cannot be read)."""
    from openpyxl import load_workbook

    try:
        guards.check_office_zip(path, name)
    except InputError as e:
        return None, str(e).removeprefix(f"{name}: ")
    try:
        return load_workbook(path, data_only=True), None
    except Exception as e:  # openpyxl raises many types for a damaged or non-xlsx file
        return None, f"无法作为 .xlsx 读取（{e}）：请用 Excel 另存为 .xlsx 后重新放入"


def unsaved_formulas(path: Path, wb: Any, sheets: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """(sheet, row, cell) of every formula in ``sheets`` whose result was never saved (a
    workbook written by a program and not opened in Excel): it reads as empty otherwise."""
    from openpyxl import load_workbook

    wanted = [s for s in sheets if s in wb.sheetnames]
    if not wanted:
        return []
    formulas = load_workbook(path, data_only=False, read_only=True)
    found = []
    try:
        for s in wanted:
            values = wb[s]
            for row in formulas[s].iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("=") and \
                            values[c.coordinate].value is None:
                        found.append((s, c.row, c.coordinate))
    finally:
        formulas.close()
    return found


def refuse_unsaved_formulas(records: list[dict[str, Any]], found: list[tuple[str, int, str]],
                            base: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row holding such a formula is refused, naming the cell (a row with nothing else
    filled in gets a record of its own): never read as an empty cell."""
    for sheet, row, cell in found:
        msg = f"{sheet}!{cell}: {UNSAVED_FORMULA}"
        hit = [r for r in records if r.get("sheet") == sheet and r.get("row") == row]
        if not hit:
            records.append(base | {"sheet": sheet, "row": row, "cells": f"{sheet}!{cell}",
                                   "accepted": False, "current": False, "message": msg})
        for r in hit:
            r["accepted"] = False
            r["cells"] = ";".join(x for x in (r.get("cells") or "", f"{sheet}!{cell}") if x)
            r["message"] = "；".join(x for x in (msg, r.get("message") or "") if x)
    return records


def help_unit(wb: Any, help_sheet: str) -> str | None:
    """The unit the 说明 sheet names on its 填报单位 line, if any."""
    if help_sheet not in wb.sheetnames:
        return None
    for row in wb[help_sheet].iter_rows(max_row=5, max_col=1):
        v = row[0].value
        m = re.match(r"填报单位[:：]\s*(\S+)", str(v).strip() if v is not None else "")
        if m:
            return m.group(1)
    return None


def unit_disagreement(wb: Any, unit: str | None, basis: str, help_sheet: str,
                      units: list[str]) -> str | None:
    """A workbook credited by its file name to one unit whose 说明 sheet names another
    responsible unit: an error naming both, never silently credited to either."""
    if not unit or basis != "文件名":
        return None
    named = help_unit(wb, help_sheet)
    if named and named != unit and named in units:
        return (f"文件名写的是“{unit}”，说明页“填报单位”写的是“{named}”，无法确定由哪个单位"
                "填报（隐藏工作表 _meta 缺失）；请核对后改正文件名或说明页，再重新放入")
    return None
