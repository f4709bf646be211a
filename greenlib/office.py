"""Office files and CSV cells written from users' text, made safe and reproducible.

Shared by the monitor stage (request workbooks, task_status.csv, returns.csv,
observations.csv) and the report stage (plan.xlsx, Word files); neither imports the other.

* **Formula injection** (OWASP "CSV injection"): a text from a return, a monitoring file or
  a plan file that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
  live formula when Excel opens the file (``=HYPERLINK(…)``, DDE ``@SUM(1+1)*cmd|…``).
  In an .xlsx every such text is written as a *string* cell (:func:`text_cells`); in a CSV
  the cells of the text columns named in :data:`greenlib.contract.FORMULA_GUARDED` get a
  leading single quote (:func:`guard_frame`), which the report stage takes off again
  (:func:`unguard_frame`) so that pages show the text as written. Numeric columns are never
  touched: a negative figure stays a number.
* **Same inputs, same bytes**: :func:`fix_office_file` dates every zip entry and the core
  properties (created/modified) of an xlsx/docx to the data's as-of date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

#: What a formula may begin with (OWASP: = + - @ tab carriage-return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(v: str) -> bool:
    return v.lstrip("'").startswith(FORMULA_START)


def guard_cell(v: Any) -> Any:
    """``'`` + ``v`` when ``v`` is a text Excel would read as a formula, else ``v``.

    A text that already begins with quotes before a formula character gets one more, so
    :func:`unguard_cell` gives back exactly what was written."""
    if isinstance(v, str) and _needs_guard(v):
        return "'" + v
    return v


def unguard_cell(v: Any) -> Any:
    """The text before :func:`guard_cell`."""
    if isinstance(v, str) and v.startswith("'") and _needs_guard(v[1:]):
        return v[1:]
    return v


def guard_frame(df: Any, columns: tuple[str, ...] | list[str]) -> Any:
    """A copy of ``df`` with the text cells of ``columns`` guarded (other columns as they are)."""
    out = df.copy()
    for c in columns:
        if c in out.columns and not _numeric(out[c]):
            out[c] = out[c].map(guard_cell)
    return out


def unguard_frame(df: Any, columns: tuple[str, ...] | list[str]) -> Any:
    """Undo :func:`guard_frame` (the report stage, reading the CSVs back)."""
    if df is None:
        return df
    out = df
    for c in columns:
        if c in out.columns and not _numeric(out[c]):
            if out is df:
                out = df.copy()
            out[c] = out[c].map(unguard_cell)
    return out


def _numeric(col: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(col)) and not pd.api.types.is_bool_dtype(col)


def text_cells(wb: Any) -> int:
    """Every cell openpyxl would write as a formula becomes a string cell (greenplan writes
    no formulas of its own); returns how many were changed."""
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"
                    n += 1
    return n


#: Characters XML 1.0 (so xlsx and docx) cannot hold: C0 controls but tab, LF, CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(v: Any) -> Any:
    """``v`` with each character an .xlsx/.docx cannot hold (a control character pasted
    into a monitoring file or a return) shown as U+FFFD, instead of failing the whole file."""
    if isinstance(v, str) and _XML_ILLEGAL.search(v):
        return _XML_ILLEGAL.sub("\ufffd", v)
    return v


# --------------------------------------------------------------------------- reproducible


def as_of_datetime(as_of: str | None) -> dt.datetime:
    """Midnight of ``as_of`` (1 January 2000 when there is none)."""
    try:
        d = dt.date.fromisoformat(str(as_of))
    except (TypeError, ValueError):
        d = dt.date(2000, 1, 1)
    return dt.datetime(d.year, d.month, d.day, 0, 0, 0)


_CORE_DATE_RE = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def fix_office_file(path: str | Path, as_of: str | None) -> Path:
    """Rewrite an xlsx/docx so its bytes depend only on its content and ``as_of``: every zip
    entry dated ``as_of`` (at midnight) and docProps/core.xml's created/modified set to it."""
    path = Path(path)
    when = as_of_datetime(as_of)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATE_RE.sub(lambda m: m.group(1) + stamp + m.group(2), data)
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            out.writestr(zi, data)
    tmp = path.with_name(f".{path.name}.fix.tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)  # a reader never sees a half-written file
    return path
