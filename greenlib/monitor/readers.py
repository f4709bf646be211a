"""Reading monitoring files: CSV (UTF-8, BOM or GBK) and xlsx into sheets whose rows carry
the spreadsheet row number a user sees, and the cell parsers every monitoring input shares.

Every problem names the file, the row as the user sees it (header = row 1) and the field.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import config, guards, numbers
from ..errors import InputError

_TRUE = {"true", "1", "yes", "y", "是", "√", "x"}
_FALSE = {"false", "0", "no", "n", "否", ""}
#: Sheets of a workbook that hold instructions, not data.
INSTRUCTION_SHEETS = ("说明", "填写说明", "README", "readme")

# Partial-year wording: "1-10月", "1—7月", "截至5月底", "截至2025年10月", "上半年", "前三季度" …
_RANGE_MONTHS = re.compile(r"(\d{1,2})\s*月?\s*[-‐‑–—~～至到]\s*(\d{1,2})\s*月")
_UNTIL_MONTH = re.compile(r"截[至止](?:\d{4}\s*年)?\s*(\d{1,2})\s*月")
_MONTH_END = re.compile(r"(?<![\d年])(\d{1,2})\s*月[底末]")
_PARTIAL_WORDS = re.compile(
    r"上半年|前三季度|[一二三1-3]季度|前[一二三四五六七八九十\d]{1,2}个?月|月报|月度")


def partial_year_from_text(text: str) -> bool:
    """True if an indicator's wording says the figure covers part of a year only.

    Month ranges and "as of month M" count as partial unless they reach December
    ("1-12月", "截至12月底" are full years); "截至年末/年底" is a full year.
    """
    t = unicodedata.normalize("NFKC", str(text))
    for m in _RANGE_MONTHS.finditer(t):
        if int(m.group(2)) < 12:
            return True
    for pat in (_UNTIL_MONTH, _MONTH_END):
        for m in pat.finditer(t):
            if int(m.group(1)) < 12:
                return True
    return bool(_PARTIAL_WORDS.search(t))





@dataclass
class Sheet:
    """One table as the user sees it: ``rows`` are (spreadsheet row number, cells)."""

    label: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)


def _display(path: Path) -> str:
    """The file as messages name it (a name that is not UTF-8 read as GBK, never a crash)."""
    try:
        shown = str(path.resolve().relative_to(config.ROOT.resolve()))
    except ValueError:
        shown = str(path)
    return guards.display_name(shown)[0]


def _norm_header(h: Any) -> str:
    return unicodedata.normalize("NFKC", str(h or "")).strip().lstrip("\ufeff").strip()


#: Encodings a CSV that is neither UTF-8 nor GBK may be in, tried to *name* what was found
#: (never to read it: the file is refused, with what to do).
_OTHER_ENCODINGS = (("big5", "Big5（繁体中文）"), ("shift_jis", "Shift_JIS（日文）"),
                    ("euc_kr", "EUC-KR（韩文）"), ("utf-16-le", "UTF-16（无 BOM）"),
                    ("cp1252", "Windows-1252（西文）"))
_SAVE_AS = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重新放入"


def _header_known(text: str, recognise: set[str]) -> bool:
    first = text.splitlines()[0] if text else ""
    cells = {_norm_header(c) for c in next(csv.reader([first]), [])}
    if cells & recognise:
        return True
    try:  # a traditional-Chinese header (指標, 地區 …)
        import opencc

        simple = opencc.OpenCC("t2s").convert(first)
    except Exception:  # pragma: no cover - opencc is a dependency
        return False
    return bool({_norm_header(c) for c in next(csv.reader([simple]), [])} & recognise)


def _found_encoding(raw: bytes, recognise: set[str]) -> str | None:
    """The name of the encoding ``raw`` appears to be in (its header reads as known column
    names), or None."""
    for codec, name in _OTHER_ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _header_known(text, recognise):
            return name
    return None


def _decode(raw: bytes, label: str, recognise: set[str]) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM or not) or GBK; anything else is refused, naming the
    encoding found."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{label}: 文件编码是 UTF-16（Excel 的“Unicode 文本”），不是 UTF-8；{_SAVE_AS}")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as e:
        where = f"第 {e.start + 1} 字节起无法按 UTF-8 解码"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _header_known(text, recognise):
        return text, "GBK"
    found = _found_encoding(raw, recognise)
    if found:
        raise InputError(f"{label}: 文件编码是 {found}，不是 UTF-8（{where}）；{_SAVE_AS}")
    first = (text or raw.decode("utf-8", "replace")).splitlines()[:1]
    raise InputError(f"{label}: 文件编码无法识别：不是 UTF-8（{where}），按 GBK 读出的表头 "
                     f"{(first[0] if first else '')[:60]!r} 也无法识别；{_SAVE_AS}")


def _read_csv(path: Path, recognise: set[str]) -> list[Sheet]:
    label = _display(path)
    text, encoding = _decode(path.read_bytes(), label, recognise)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "," not in first_line and "\t" in first_line else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records:
        return [Sheet(label, [], 1, [])]
    # Row numbers count records, as a spreadsheet shows them (a quoted newline stays one row).
    rows = [(i + 2, rec) for i, rec in enumerate(records[1:])]
    notes = [f"{label}: decoded as GBK"] if encoding == "GBK" else []
    return [Sheet(label, [_norm_header(h) for h in records[0]], 1, rows, notes)]


def _cell_value(cell: Any) -> Any:
    """A cell's value as the user sees it: a 97.3% cell is 97.3, not 0.973."""
    v = cell.value
    if isinstance(v, int | float) and not isinstance(v, bool) and "%" in str(cell.number_format):
        return round(v * 100, 10)
    return v


def _no_cached_formulas(ws: Any, ws_formulas: Any, label: str) -> None:
    """A formula whose result was never saved reads as empty: say so, naming the cell."""
    for row in ws_formulas.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("=") and \
                    ws[c.coordinate].value is None:
                raise InputError(f"{label} [{ws.title}] {c.coordinate}: 单元格是公式 {c.value[:40]}，"
                                 "但文件中没有保存计算结果（可能由程序生成、未在 Excel 中保存过）；"
                                 "请用 Excel 打开后保存，或直接填写数值")


def _read_xlsx(path: Path, recognise: set[str]) -> list[Sheet]:
    from openpyxl import load_workbook

    label = _display(path)
    guards.check_office_zip(path, label)  # a zip bomb or an encrypted file, before openpyxl
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises several types for a damaged/non-xlsx file
        raise InputError(f"{label}: cannot be read as .xlsx ({e})") from None
    sheets: list[Sheet] = []
    formulas = None
    for ws in wb.worksheets:
        if ws.title.strip() in INSTRUCTION_SHEETS:
            continue
        if ws.sheet_state != "visible":
            continue  # a hidden sheet (lookup lists, old figures) is not data
        if any(c.value is None for r in ws.iter_rows() for c in r) and formulas is None:
            formulas = load_workbook(path, data_only=False)
        if formulas is not None:
            _no_cached_formulas(ws, formulas[ws.title], label)
        all_rows = [(r[0].row, [_cell_value(c) for c in r]) for r in ws.iter_rows() if r]
        all_rows = [(n, cells) for n, cells in all_rows if any(_filled(c) for c in cells)]
        if not all_rows:
            continue
        # The header is the first of the top rows naming a known column (a title row may
        # precede it).
        hdr_at = next((k for k, (_, cells) in enumerate(all_rows[:10])
                       if {_norm_header(c) for c in cells} & recognise), None)
        sheet_label = f"{label} [{ws.title}]"
        if hdr_at is None:
            sheets.append(Sheet(sheet_label, [_norm_header(c) for c in all_rows[0][1]],
                                 all_rows[0][0], []))
            continue
        header_row, header = all_rows[hdr_at]
        sheets.append(Sheet(sheet_label, [_norm_header(c) for c in header], header_row,
                             all_rows[hdr_at + 1:]))
    if not sheets:
        sheets.append(Sheet(label, [], 1, []))
    return sheets


def _read_any(path: Path, recognise: set[str]) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, recognise)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, recognise)
    raise InputError(f"{_display(path)}: unsupported file type {suffix!r}; "
                     "save it as .xlsx or as CSV (UTF-8)")


#: Data-like files that would otherwise be skipped without a word.
_REFUSED_SUFFIXES = (".xls", ".ods", ".tsv", ".numbers", ".et")


def _monitoring_files(path: Path) -> tuple[list[Path], list[str]]:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return [path], []
    files, problems = [], []
    for p in sorted(path.iterdir()):
        hidden = p.name.startswith(".") and not p.name.startswith("..")  # "..\\x.csv" is data
        if p.name.startswith("~$") or hidden or not p.is_file():
            continue  # Excel lock files, hidden files
        s = p.suffix.lower()
        if s in (".csv", ".xlsx", ".xlsm"):
            files.append(p)
        elif s in _REFUSED_SUFFIXES:
            problems.append(f"{_display(p)}: unsupported file type {s!r}; save it as .xlsx or "
                            "as CSV (UTF-8), or move it out of the monitoring folder")
    return files, problems


# ---------------------------------------------------------------------------------------
# Cell parsing helpers
# ---------------------------------------------------------------------------------------


def _filled(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return str(v).strip() != ""


def _text(v: Any) -> str:
    if not _filled(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFKC", str(v)).strip() if isinstance(v, str) else str(v).strip()


def _keep_text(v: Any) -> str:
    """Free text (titles, quotes) kept exactly as written, only trimmed."""
    return str(v).strip() if _filled(v) else ""


def _parse_number(v: Any, unit: str = "") -> float | None:
    """The value of :func:`greenlib.numbers.parse_number` (None when empty or refused)."""
    return numbers.parse_number(v, unit).value


def _parse_year(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    if isinstance(v, int):
        return v
    s = _text(v)
    s = s[:-1] if s.endswith("年") else s
    return int(s) if re.fullmatch(r"\d{4}", s) else None


def _parse_bool(v: Any) -> bool | None:
    s = _text(v).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def _where(sheet: Sheet, row: int, field_name: str) -> str:
    return f"{sheet.label}, row {row}, {field_name}"


def _columns_of(sheet: Sheet, spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map column names to header positions (first matching header wins)."""
    found: dict[str, int] = {}
    for i, h in enumerate(sheet.header):
        for name, aliases in spec.items():
            if name not in found and h in aliases:
                found[name] = i
    return found


