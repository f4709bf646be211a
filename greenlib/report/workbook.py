"""plan.xlsx: every table of a plan's data folder as an analyst would lay it out in Excel.

Chinese sheet names and headers, Chinese values (ratings, roles, comparators, sources,
sectors; the codes stay only in trailing "代码" columns), column widths and wrapping, a bold
frozen header with an autofilter, number formats. Written by the report stage from the data
folder alone, so it always carries the ratings of the run's as-of date.
"""

from __future__ import annotations

import re
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
    "light": labels.LIGHT,
    "source_kind": labels.SOURCE_KIND,
    "measure": labels.MEASURE,
    "conclusion": labels.CONCLUSION,
    "parent_conclusion": labels.CONCLUSION,
    "parent_status": labels.STATUS,
    "attribute": labels.ATTRIBUTE,
}
#: Codes a sheet gives in another vocabulary than the column's usual one.
CODED_IN: dict[tuple[str, str], dict[str, str]] = {
    (contract.TASK_STATUS, "status"): labels.TASK_STATUS,
    (contract.RETURNS, "status"): labels.TASK_STATUS,
    (contract.TASKS, "status"): labels.TASK_STATUS,
}
#: Columns of codes or file paths that only an analyst tracing the build needs: shown only
#: in a trailing 代码 column.
CODE_ONLY: dict[str, set[str]] = {
    contract.TARGETS: {"rule"},
    contract.ALIGNMENT: {"parent_plan"},
    contract.TASK_STATUS: {"status_label", "light_label", "report_file"},
    contract.RETURNS: {"file"},
}
#: Widths (characters) by kind of column.
WIDE = {"text", "quote", "raw_text", "text_ocr", "rule", "why", "source_title", "detail", "reason",
        "indicator", "target_indicator", "parent_indicator", "full_name", "part_title",
        "section_title", "section_name", "part_name", "co_units", "source_url", "repairs",
        "evidence", "progress", "message", "public_evidence", "public_evidence_sources"}
#: Technical columns left out of the workbook (offsets into the raw text stay in the CSVs).
HIDDEN = {"raw_start", "raw_end", "score", "body_task", "file", "file_mtime", "status_label",
          "light_label"}
#: Columns that quote a text as written (the plan's OCR text, a source's title, address or
#: words): their letters are the source's, not English of greenplan's (tests allow them).
VERBATIM = {"原文", "识别原文(修复前)", "据正文修复", "原文写法", "原文表述", "原文摘录", "来源",
            "来源网址", "公开资料来源"}
#: Excel number formats by column (others: plain numbers as written).
NUMBER_FORMATS = {"progress_ratio": "0.00", "elapsed_share": "0%", "task_id": "0",
                  "year": "0", "baseline_year": "0", "latest_year": "0", "target_year": "0",
                  "parent_year": "0", "deadline_year": "0", "n_tasks": "0", "n_lead": "0",
                  "n_co": "0", "row": "0"}
#: The printable 重点任务 sheet: task, sector, section, text, units, years (then its progress
#: from task_status.csv); the raw and OCR texts go to the analysts' sheet.
TASK_PRINT = ["task_id", "sector", "section_name", "text", "lead_unit", "co_units", "years",
              "text_doubtful"]
TASK_TEXTS = ["task_id", "part", "part_title", "part_name", "section", "section_title",
              "section_name", "text", "text_ocr", "repairs", "raw_text", "text_doubt",
              "text_doubtful"]
_CODE = re.compile(r"（([a-z_]+)）")
_PATH = re.compile(r"[A-Za-z0-9_./-]+\.(?:csv|yaml|yml|xlsx|md|json)")
_INSTRUCTION = re.compile(r"在\s*\S*corrections\.yaml\s*中用\s*[a-z]+\s*(改正|补充)")
_WORDING = re.compile(r"@词表:[A-Za-z0-9_-]+")
_CORRECTION = re.compile(r"@校正:[A-Za-z0-9_-]+")
_DICT = re.compile(r"\{'(\w+)': '([^']*)'\}")


def _codes_in_text(text: str) -> str:
    """A monitor stage sentence with its codes in Chinese: （no_report） → （未填报）, file paths
    → 参考数据文件."""
    words = {**labels.TASK_STATUS, **labels.STATUS, **labels.LIGHT}
    text = _INSTRUCTION.sub(lambda m: labels.CORRECT_IN_FILE.format(how=m.group(1)), text)
    text = _CODE.sub(lambda m: f"（{words.get(m.group(1), m.group(1))}）", text)
    return _PATH.sub(labels.REFERENCE_FILE, text)


def _method(v: str) -> str:
    return labels.MATCH_METHOD.get(v.split(":", 1)[0], v)


def _sources(v: str) -> str:
    return "、".join(labels.TARGET_SOURCE.get(x, x) for x in v.split(";") if x)


def _repairs(v: str) -> str:
    return _CORRECTION.sub("@" + labels.MATCH_METHOD["correction"],
                           _WORDING.sub("@" + labels.WORDING_LIST, v))


#: Column → function giving its Chinese (the code stays in a trailing column).
TRANSLATED: dict[str, Any] = {
    "method": _method, "sources": _sources, "repairs": _repairs,
    "owner_basis": _codes_in_text, "rule": _codes_in_text,
}


def _num(v: Any, unit: Any = "") -> str:
    from .fmt import fmt_value, missing

    unit = "" if missing(unit) else str(unit)
    return f"{fmt_value(v)}{'' if unit in ('%', '‰', '') else ' '}{unit}"


def rating_basis(r: pd.Series) -> str:
    """A target's rating basis in Chinese, from the fields of its status.csv row."""
    from .fmt import fmt_year, missing, target_text

    unit = r.get("unit")
    target = target_text(str(r.get("comparator")), r.get("target_value"), unit)
    latest, ly = _num(r.get("latest_value"), unit), fmt_year(r.get("latest_year"))
    status = str(r.get("status"))
    b = labels.BASIS
    if missing(r.get("latest_value")):
        parts = [b["none"].format(geo=r.get("geo") or "")]
    elif status == "achieved":
        parts = [b["achieved"].format(latest=latest, ly=ly, target=target)]
    elif status == "overdue":
        parts = [b["overdue"].format(latest=latest, ly=ly, target=target,
                                     ty=fmt_year(r.get("target_year")))]
    elif not missing(r.get("progress_ratio")) and not missing(r.get("baseline_value")):
        ratio = f"{float(r['progress_ratio']):.0%}"
        parts = [b["pace"].format(base=_num(r["baseline_value"], unit),
                                  by=fmt_year(r.get("baseline_year")), latest=latest, ly=ly,
                                  ratio=ratio)]
        if not missing(r.get("progress_band")):
            parts.append(labels.BAND.get(str(r["progress_band"]), ""))
    elif (r.get("n_obs") or 0) == 1:
        parts = [b["one"].format(latest=latest, ly=ly)]
    else:
        parts = [b["no_basis"].format(latest=latest, ly=ly)]
    if not missing(r.get("n_context")) and int(r["n_context"] or 0):
        parts.append(b["context"].format(n=int(r["n_context"])))
    if not missing(r.get("partial_latest_value")):
        parts.append(b["partial"].format(year=fmt_year(r.get("partial_latest_year")),
                                         value=_num(r["partial_latest_value"], unit)))
    parts.append(b["none_target"].format(target=target))
    return "；".join(p for p in parts if p) + " → " + labels.STATUS.get(status, status)


def _is_bool(col: pd.Series) -> bool:
    vals = {str(v) for v in col.dropna().unique()}
    return bool(vals) and vals <= {"True", "False"}


def _prepare(name: str, df: pd.DataFrame, t: Tables) -> pd.DataFrame:
    """Sheet-specific columns: the rating basis in Chinese, a task's progress beside it."""
    if name == contract.STATUS and "rule" in df.columns:
        df = df.copy()
        basis = df.apply(rating_basis, axis=1) if len(df) else pd.Series([], dtype=object)
        at = list(df.columns).index("rule")
        df.insert(at, "basis", basis)
    if name == contract.TASKS:
        df = df[[c for c in TASK_PRINT if c in df.columns]].copy()
        if "section_name" not in df.columns and "section_title" in t.tasks.columns:
            df.insert(2, "section_name", t.tasks["section_title"])
        ts = t.task_status
        if ts is not None and not ts.empty:
            prog = ts.set_index("task_id")
            for c in ("status", "light", "progress", "report_date"):
                if c in prog.columns:
                    df[c] = df["task_id"].map(prog[c])
    return df


def _sheet_frame(name: str, df: pd.DataFrame, t: Tables, prepare: bool = True) -> pd.DataFrame:
    sector_names = t.sector_names
    df = df.drop(columns=[c for c in df.columns if c in HIDDEN])
    if prepare:
        df = _prepare(name, df, t)
    out = pd.DataFrame(index=df.index)
    headers = {**labels.HEADERS.get(contract.TASK_STATUS, {}), **labels.HEADERS.get(name, {}),
               "basis": "评级依据"} if name == contract.TASKS else {
        **labels.HEADERS.get(name, {}), "basis": "评级依据"}
    trailing: list[tuple[str, pd.Series]] = []
    for c in df.columns:
        col = df[c]
        head = headers.get(c, c)
        words = CODED_IN.get((name, c)) or CODED.get(c)
        if c in CODE_ONLY.get(name, ()):
            trailing.append((f"{head}代码", col))
        elif name == contract.STATUS and c == "rule":
            trailing.append(("评级依据代码", col))
        elif words is not None:
            out[head] = col.map(lambda v, m=words: m.get(str(v), v) if isinstance(v, str) else v)
            trailing.append((f"{head}代码", col))
        elif c in TRANSLATED:
            out[head] = col.map(lambda v, f=TRANSLATED[c]: f(v) if isinstance(v, str) else v)
            if not col.equals(out[head]):
                trailing.append((f"{head}代码", col))
        elif c == "sector":
            out["领域"] = col.map(lambda v: sector_names.get(v, v))
            trailing.append(("领域代码", col))
        elif c == "sector_name" and "sector" in df.columns:
            continue
        elif _is_bool(col):
            out[head] = col.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v))
                                else ("是" if str(v) == "True" else "否"))
        else:
            out[head] = col
    for h, col in trailing:
        if h not in out.columns:
            out[h] = col
    out = out.loc[:, ~out.columns.duplicated()]
    for c in out.columns:  # a control character in a text would fail the whole workbook
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(office.xml_safe)
    return out


def _task_texts(t: Tables) -> pd.DataFrame:
    """The analysts' sheet: every task's parts, the text before and after repair, the raw text."""
    df = t.tasks[[c for c in TASK_TEXTS if c in t.tasks.columns]]
    return _sheet_frame(contract.TASKS, df, t, prepare=False)


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
    for name, df in ((contract.TASK_STATUS, t.task_status), (contract.RETURNS, t.returns)):
        if df is not None:
            frames[name] = df
    corrections = pd.DataFrame(t.quality.get("corrections", []))
    unresolved = pd.DataFrame(t.quality.get("unresolved", []))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    sheets: list[tuple[str, pd.DataFrame, dict[str, str]]] = []
    for name, df in frames.items():
        sheets.append((labels.SHEETS[name], _sheet_frame(name, df, t), _formats(name, df)))
        if name == contract.TASKS:
            sheets.append((labels.SHEET_TASK_TEXTS, _task_texts(t), _formats(name, df)))
    sheets.append((labels.SHEET_CORRECTIONS, _quality_frame(corrections, "corrections"), {}))
    sheets.append((labels.SHEET_UNRESOLVED, _quality_frame(unresolved, "unresolved"), {}))
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for sheet, frame, _ in sheets:
            frame.to_excel(xw, sheet_name=sheet, index=False)
        formats = {sheet: f for sheet, _, f in sheets}
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
                if header == labels.WORKBOOK_LIGHT_HEADER:
                    colour_lights(col[1:])
                longest = max([len(str(c.value)) for c in col[1:] if c.value is not None] or [0])
                wide = longest > 24
                width = 48 if wide else max(8, min(24, max(len(header) * 2, longest) + 2))
                ws.column_dimensions[get_column_letter(i)].width = width
                fmt = formats.get(ws.title, {}).get(header)
                for c in col[1:]:
                    c.alignment = Alignment(wrap_text=wide, vertical="top")
                    if fmt and isinstance(c.value, int | float):
                        c.number_format = fmt
                    elif isinstance(c.value, float):
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


def colour_lights(cells: Any) -> None:
    """A light's cell as on the pages: its word (红灯 …) in the light's colour on a pale tint
    of it, bold — the word still reads in black-and-white print."""
    from openpyxl.styles import Font, PatternFill

    by_word = {w: labels.LIGHT_COLORS[k].lstrip("#").upper() for k, w in labels.LIGHT.items()}
    for c in cells:
        hex_ = by_word.get(str(c.value or "").strip())
        if hex_:
            tint = "".join(f"{int(hex_[j:j + 2], 16) + (255 - int(hex_[j:j + 2], 16)) * 4 // 5:02X}"
                           for j in (0, 2, 4))
            c.font = Font(bold=True, color=hex_)
            c.fill = PatternFill("solid", fgColor=tint)


def _formats(name: str, df: pd.DataFrame) -> dict[str, str]:
    """Header → Excel number format for the columns of ``df`` that have one."""
    headers = {**labels.HEADERS.get(contract.TASK_STATUS, {}), **labels.HEADERS.get(name, {})}
    return {headers.get(c, c): f for c, f in NUMBER_FORMATS.items() if c in df.columns}


def _field_words(table: str, v: Any) -> Any:
    """A correction's field as its column header: indicator → 指标."""
    file = f"{table}.csv"
    return labels.HEADERS.get(file, {}).get(str(v), v) if isinstance(v, str) else v


def _detail(table: str, v: Any) -> Any:
    """``{'indicator': '…'}`` printouts of the clean stage as words: 指标“…”."""
    if not isinstance(v, str):
        return v
    return _DICT.sub(lambda m: f"{_field_words(table, m.group(1))}“{m.group(2)}”", v)


def _quality_frame(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame({"说明": ["（无）"]})
    if kind == "corrections":
        cols = {"status": "状态", "table": "表", "task_id": "任务", "field": "字段",
                "old": "原值", "new": "新值", "reason": "理由", "detail": "说明", "id": "校正编号代码"}
        table = df["table"] if "table" in df.columns else pd.Series("", index=df.index)
        df = df.assign(status=df["status"].map(lambda v: labels.CORRECTION_STATUS.get(v, v)))
        if "field" in df.columns:
            df = df.assign(field=[_field_words(tb, f) for tb, f in zip(table, df["field"],
                                                                        strict=True)])
        if "detail" in df.columns:
            df = df.assign(detail=[_detail(tb, d) for tb, d in zip(table, df["detail"],
                                                                    strict=True)])
        if "table" in df.columns:
            df = df.assign(table=df["table"].map(lambda v: labels.CORRECTION_TABLES.get(v, v)))
    else:
        cols = {"kind": "类型", "task_id": "任务", "raw": "原文", "detail": "说明"}
        df = df.assign(kind=df["kind"].map(lambda v: labels.UNRESOLVED_KINDS.get(v, v)))
        if "detail" in df.columns:
            df = df.assign(detail=df["detail"].map(
                lambda v: _codes_in_text(v) if isinstance(v, str) else v))
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
