"""plan.xlsx: every table of a plan's data folder as an analyst would lay it out in Excel.

Chinese sheet names and headers, Chinese values (ratings, roles, comparators, sources,
sectors; the codes stay only in trailing "代码" columns), column widths and wrapping, a bold
frozen header with an autofilter, number formats. Written by the report stage from the data
folder alone, so it always carries the ratings of the run's as-of date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract, labels, office
from .tables import Tables, load

#: Columns whose codes are shown in Chinese (the code is kept in a trailing column).
CODED: dict[str, dict[str, str]] = {
    "status": labels.STATUS,
    "role": labels.ROLE,
    "comparator": labels.COMPARATOR,
    "source": labels.TARGET_SOURCE,
    "progress_band": labels.BAND,
    "alignment": labels.ALIGNMENT,
    "parent_comparator": labels.COMPARATOR,
}
#: Widths (characters) by kind of column.
WIDE = {"text", "quote", "raw_text", "text_ocr", "rule", "why", "source_title", "detail", "reason",
        "indicator", "target_indicator", "parent_indicator", "full_name", "part_title",
        "section_title", "section_name", "part_name", "co_units", "source_url", "repairs"}
#: Technical columns left out of the workbook (offsets into the raw text stay in the CSVs).
HIDDEN = {"raw_start", "raw_end", "score", "body_task", "file"}


def _sheet_frame(name: str, df: pd.DataFrame, sector_names: dict[str, str]) -> pd.DataFrame:
    df = df.drop(columns=[c for c in df.columns if c in HIDDEN])
    out = pd.DataFrame(index=df.index)
    headers = labels.HEADERS.get(name, {})
    trailing: list[tuple[str, pd.Series]] = []
    for c in df.columns:
        col = df[c]
        if c in CODED:
            out[headers.get(c, c)] = col.map(lambda v, m=CODED[c]: m.get(str(v), v)
                                            if isinstance(v, str) else v)
            trailing.append((f"{headers.get(c, c)}代码", col))
        elif c == "sector":
            out["领域"] = col.map(lambda v: sector_names.get(v, v))
            trailing.append(("领域代码", col))
        elif c in ("rated", "partial_year", "context"):
            out[headers.get(c, c)] = col.map(lambda v: "是" if bool(v) and str(v) != "False" else "否")
        else:
            out[headers.get(c, c)] = col
    for h, col in trailing:
        if h not in out.columns:
            out[h] = col
    out = out.loc[:, ~out.columns.duplicated()]
    for c in out.columns:  # a control character in a text would fail the whole workbook
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(office.xml_safe)
    return out


def write_workbook(data_dir: str | Path, out: str | Path, t: Tables | None = None) -> Path:
    """Write ``out`` (plan.xlsx) from a plan's data folder."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    t = t or load(data_dir)
    frames: dict[str, pd.DataFrame] = {
        contract.TASKS: t.tasks, contract.TASK_UNITS: t.task_units, contract.UNITS: t.units,
        contract.TARGETS: t.targets, contract.STATUS: t.status,
        contract.OBSERVATIONS: t.observations, contract.GOALS: t.goals,
    }
    if t.alignment is not None:
        frames[contract.ALIGNMENT] = t.alignment
    corrections = pd.DataFrame(t.quality.get("corrections", []))
    unresolved = pd.DataFrame(t.quality.get("unresolved", []))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    names = t.sector_names
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in frames.items():
            _sheet_frame(name, df, names).to_excel(xw, sheet_name=labels.SHEETS[name], index=False)
        _quality_frame(corrections, "corrections").to_excel(xw, sheet_name="人工校正", index=False)
        _quality_frame(unresolved, "unresolved").to_excel(xw, sheet_name="待解决", index=False)
        head_fill = PatternFill("solid", fgColor="E8F3E8")
        for ws in xw.book.worksheets:
            ws.freeze_panes = "A2"
            if ws.max_row >= 1 and ws.max_column >= 1:
                ws.auto_filter.ref = ws.dimensions
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = head_fill
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            for i, col in enumerate(ws.iter_cols(min_row=1, max_row=ws.max_row), start=1):
                header = str(col[0].value or "")
                longest = max([len(str(c.value)) for c in col[1:] if c.value is not None] or [0])
                wide = longest > 24
                width = 48 if wide else max(8, min(24, max(len(header) * 2, longest) + 2))
                ws.column_dimensions[get_column_letter(i)].width = width
                for c in col[1:]:
                    c.alignment = Alignment(wrap_text=wide, vertical="top")
                    if isinstance(c.value, float):
                        c.number_format = "0.########"
            ws.print_options.gridLines = False
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_title_rows = "1:1"
        # a text beginning with = + - @ (a monitoring source, a quote …) is text, never a formula
        office.text_cells(xw.book)
    tmp.replace(out)
    return out


def _quality_frame(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({"说明": ["（无）"]})
    if kind == "corrections":
        cols = {"id": "编号", "status": "状态", "table": "表", "task_id": "任务", "field": "字段",
                "old": "原值", "new": "新值", "reason": "理由", "detail": "说明"}
        df = df.assign(status=df["status"].map(lambda v: labels.CORRECTION_STATUS.get(v, v)))
    else:
        cols = {"kind": "类型", "task_id": "任务", "raw": "原文", "detail": "说明"}
        df = df.assign(kind=df["kind"].map(lambda v: labels.UNRESOLVED_KINDS.get(v, v)))
    keep = [c for c in cols if c in df.columns]
    return df[keep].rename(columns=cols)


def header_cells(path: str | Path) -> list[tuple[str, str]]:
    """(sheet, header) for every header cell of a workbook (used by the tests and checks)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    out: list[tuple[str, Any]] = []
    for ws in wb.worksheets:
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        out += [(ws.title, str(v)) for v in first if v is not None]
    return out
