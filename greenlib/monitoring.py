"""Monitoring data: observed values of the plan's indicators, validated and tied to targets.

Analysts keep observed figures in ``data/monitoring/`` (CSV in UTF-8, UTF-8 with BOM or
GBK, or ``.xlsx``; English or Chinese headers). Observed indicator names differ from the
plan's wording, so ``data/reference/indicator_map.csv`` ties them to targets. The map
never names a ``target_id`` (ids change when the parser changes): each row names the
target's *indicator text* and is resolved against ``targets.csv`` at run time.

Everything is validated before any notebook runs; every problem names the file, the row
as the user sees it in a spreadsheet (header = row 1) and the field, and all problems are
collected before :class:`~greenlib.errors.ValidationError` is raised.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import config, contract, numbers
from .errors import InputError, ValidationError

#: The geography the plan's targets are set for. Only figures for this geo rate a target;
#: any other geo (e.g. the municipality 重庆市) is shown as context and never rates it.
DEFAULT_GEO = "重庆市黔江区"

#: Geographies accepted in monitoring files. A typo such as "黔江区" would otherwise turn a
#: district figure into mere context without anyone noticing, so unknown geos are errors.
KNOWN_GEOS: tuple[str, ...] = ("重庆市黔江区", "重庆市", "全国")

#: Plausible observation years: earlier figures are no baseline for a 2021–2025 plan, later
#: ones cannot exist yet (full-year figures for year Y exist only after Y ends).
YEAR_MIN = 2000


def year_max() -> int:
    """The latest plausible year: the later of today and the default as-of date."""
    return max(date.today().year, int(config.DEFAULT_AS_OF[:4]))


#: Observation columns: name -> accepted headers (the first Chinese one is the template's).
OBS_COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标", "观测指标", "指标名称"),
    "geo": ("geo", "地区", "区域"),
    "year": ("year", "年份", "年度"),
    "value": ("value", "数值", "观测值"),
    "unit": ("unit", "单位"),
    "source_title": ("source_title", "来源标题", "资料来源", "来源"),
    "source_url": ("source_url", "来源网址", "来源地址", "网址"),
    "quote": ("quote", "原文摘录", "原文"),
    "note": ("note", "备注"),
    "partial_year": ("partial_year", "非全年", "部分年度"),
}
REQUIRED_OBS = ("geo", "year", "value", "unit", "source_title")

#: Target information columns of the template: read back only to know the row's target.
TEMPLATE_INFO: dict[str, str] = {
    "target_id": "目标编号",
    "target_indicator": "规划指标",
    "target_value": "目标值",
    "target_unit": "目标单位",
    "comparator": "比较方式",
    "target_year": "目标年份",
    "sector": "领域",
    "target_quote": "规划原文",
}
_TEMPLATE_FILL = ("indicator", "geo", "year", "value", "unit", "source_title", "source_url",
                  "quote", "note", "partial_year")
#: Sheets of a workbook that hold instructions, not observations.
INSTRUCTION_SHEETS = ("说明", "填写说明", "README", "readme")

MAP_COLUMNS = ("observed_indicator", "target_indicator", "target_year", "unit", "to_unit",
               "scale", "measure", "partial_year", "note", "reviewed_by")
MAP_REQUIRED = ("observed_indicator", "target_indicator", "unit", "reviewed_by")
#: ``level``: the figure is the indicator's level in that year (the usual case).
#: ``change``: the figure is the cumulative change since the plan's baseline, recorded as a
#: positive amount in the target's direction (新增 N 个, 减少 N%); only for ``increase_by`` /
#: ``reduce_by`` targets, which it then meets when it reaches the target value.
MEASURES = ("level", "change")
#: Comparators whose target value is a change from the baseline, not a level.
CHANGE_COMPARATORS = ("increase_by", "reduce_by")
#: How the plan words each comparator, for Chinese readers (template, reports).
COMPARATOR_LABELS: dict[str, str] = {
    ">=": "不低于", ">": "超过", "<=": "不高于", "<": "低于", "=": "达到",
    "increase_by": "新增", "reduce_by": "减少",
}

OBS_OUT_COLUMNS = ["indicator", "geo", "year", "value", "unit", "source_title", "source_url",
                   "quote", "note", "partial_year", "file", "row"]

_TRUE = {"true", "1", "yes", "y", "是", "√", "x"}
_FALSE = {"false", "0", "no", "n", "否", ""}

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


# ---------------------------------------------------------------------------------------
# Reading CSV / xlsx into (label, header, rows) with spreadsheet row numbers
# ---------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """One table as the user sees it: ``rows`` are (spreadsheet row number, cells)."""

    label: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.ROOT.resolve()))
    except ValueError:
        return str(path)


def _norm_header(h: Any) -> str:
    return unicodedata.normalize("NFKC", str(h or "")).strip().lstrip("\ufeff").strip()


def _decode(raw: bytes, label: str, recognise: set[str]) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM or not) or GBK; anything else is refused clearly."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{label}: file is UTF-16 (Excel 'Unicode text'); save it as "
                         "'CSV UTF-8 (逗号分隔)' or as .xlsx")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                         "and not GBK either; save it as 'CSV UTF-8 (逗号分隔)' or as .xlsx"
                         ) from None
    first = text.splitlines()[0] if text else ""
    cells = {_norm_header(c) for c in next(csv.reader([first]), [])}
    if not cells & recognise:
        raise InputError(f"{label}: not UTF-8; decoded as GBK the header {first[:60]!r} is not "
                         "recognised, so the encoding is unknown; save it as "
                         "'CSV UTF-8 (逗号分隔)' or as .xlsx")
    return text, "GBK"


def _read_csv(path: Path, recognise: set[str]) -> list[_Sheet]:
    label = _display(path)
    text, encoding = _decode(path.read_bytes(), label, recognise)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "," not in first_line and "\t" in first_line else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records:
        return [_Sheet(label, [], 1, [])]
    # Row numbers count records, as a spreadsheet shows them (a quoted newline stays one row).
    rows = [(i + 2, rec) for i, rec in enumerate(records[1:])]
    notes = [f"{label}: decoded as GBK"] if encoding == "GBK" else []
    return [_Sheet(label, [_norm_header(h) for h in records[0]], 1, rows, notes)]


def _cell_value(cell: Any) -> Any:
    """A cell's value as the user sees it: a 97.3% cell is 97.3, not 0.973."""
    v = cell.value
    if isinstance(v, int | float) and not isinstance(v, bool) and "%" in str(cell.number_format):
        return round(v * 100, 10)
    return v


def _read_xlsx(path: Path, recognise: set[str]) -> list[_Sheet]:
    from openpyxl import load_workbook

    label = _display(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises several types for a damaged/non-xlsx file
        raise InputError(f"{label}: cannot be read as .xlsx ({e})") from None
    sheets: list[_Sheet] = []
    for ws in wb.worksheets:
        if ws.title.strip() in INSTRUCTION_SHEETS:
            continue
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
            sheets.append(_Sheet(sheet_label, [_norm_header(c) for c in all_rows[0][1]],
                                 all_rows[0][0], []))
            continue
        header_row, header = all_rows[hdr_at]
        sheets.append(_Sheet(sheet_label, [_norm_header(c) for c in header], header_row,
                             all_rows[hdr_at + 1:]))
    if not sheets:
        sheets.append(_Sheet(label, [], 1, []))
    return sheets


def _read_any(path: Path, recognise: set[str]) -> list[_Sheet]:
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
        if p.name.startswith(("~$", ".")) or not p.is_file():
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


#: Per-indicator plausible ranges that replace the unit's (see :mod:`greenlib.numbers`).
PLAUSIBILITY_OVERRIDES = config.REFERENCE / "plausibility_overrides.csv"


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


def _where(sheet: _Sheet, row: int, field_name: str) -> str:
    return f"{sheet.label}, row {row}, {field_name}"


def _columns_of(sheet: _Sheet, spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map column names to header positions (first matching header wins)."""
    found: dict[str, int] = {}
    for i, h in enumerate(sheet.header):
        for name, aliases in spec.items():
            if name not in found and h in aliases:
                found[name] = i
    return found


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------


def read_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``targets.csv`` (default ``build/data/targets.csv``) with a clear error if missing."""
    p = Path(path) if path else config.BUILD_DATA / contract.TARGETS
    if not p.exists():
        raise InputError(f"{p} is missing: run `make data` first")
    return _clean_targets(pd.read_csv(p, dtype={"target_id": "string", "task_ids": "string"},
                                      keep_default_na=False, na_values=[""]))


def _clean_targets(targets: pd.DataFrame) -> pd.DataFrame:
    need = ["target_id", "indicator", "value", "unit", "comparator", "year"]
    missing = [c for c in need if c not in targets.columns]
    if missing:
        raise ValidationError([f"targets: missing column(s) {', '.join(missing)}"], what="targets")
    t = targets.copy()
    t["target_id"] = t["target_id"].astype(str)
    t["indicator"] = t["indicator"].astype(str).str.strip()
    t["unit"] = t["unit"].fillna("").astype(str).str.strip()
    t["comparator"] = t["comparator"].fillna("").astype(str).str.strip()
    t["value"] = pd.to_numeric(t["value"], errors="coerce")
    t["year"] = pd.to_numeric(t["year"], errors="coerce").astype("Int64")
    return t


def _is_relative(comparator: str, unit: str) -> bool:
    """A change target in % of the baseline ("化肥使用量减少1%"): observed levels may be
    in any unit (吨, 万吨 …), as long as one series keeps one unit."""
    return comparator in CHANGE_COMPARATORS and unit == "%"


# ---------------------------------------------------------------------------------------
# Indicator map
# ---------------------------------------------------------------------------------------

_MAP_SPEC = {c: (c,) for c in MAP_COLUMNS}


def _match_targets(rule: str, year: int | None, targets: pd.DataFrame) -> pd.DataFrame:
    """Targets a map row's ``target_indicator`` names: exact text, or ``re:<regex>``."""
    if rule.startswith("re:"):
        hit = targets["indicator"].str.contains(rule[3:], regex=True)
    else:
        hit = targets["indicator"] == rule
    t = targets[hit]
    if year is not None:
        t = t[t["year"] == year]
    return t


def _suggest(text: str, choices: Iterable[str], n: int = 3) -> str:
    from rapidfuzz import fuzz, process

    found = process.extract(text, list(dict.fromkeys(choices)), scorer=fuzz.partial_ratio,
                            limit=n, score_cutoff=60)
    return f" (did you mean: {', '.join(repr(c) for c, _, _ in found)}?)" if found else ""


def _read_map_rows(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse the map file into row dicts (with ``map_row``) and structural problems."""
    problems: list[str] = []
    try:
        sheets = _read_any(path, set(MAP_COLUMNS))
    except InputError as e:
        return [], [str(e)]
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, int | None], int] = {}
    first: dict[str, dict[str, Any]] = {}
    for sheet in sheets:
        cols = _columns_of(sheet, _MAP_SPEC)
        missing = [c for c in MAP_REQUIRED if c not in cols]
        if missing:
            problems.append(f"{sheet.label}: missing column(s) {', '.join(missing)} "
                            f"(expected: {', '.join(MAP_COLUMNS)})")
            continue
        for n, cells in sheet.rows:
            if not any(_filled(c) for c in cells):
                continue
            get = {k: (cells[i] if i < len(cells) else None) for k, i in cols.items()}
            r: dict[str, Any] = {"map_row": n, "map_file": sheet.label}
            obs = _text(get.get("observed_indicator"))
            r["observed_indicator"] = obs
            r["target_indicator"] = _text(get.get("target_indicator"))
            r["unit"] = _text(get.get("unit"))
            r["to_unit"] = _text(get.get("to_unit")) or r["unit"]
            r["note"] = _keep_text(get.get("note"))
            r["reviewed_by"] = _text(get.get("reviewed_by"))
            if not obs:
                problems.append(f"{_where(sheet, n, 'observed_indicator')}: empty")
            if not r["unit"]:
                problems.append(f"{_where(sheet, n, 'unit')}: empty (the unit the observed "
                                "figures come in)")
            if not r["reviewed_by"]:
                problems.append(f"{_where(sheet, n, 'reviewed_by')}: empty; every mapping must "
                                "be reviewed and signed")
            ty = get.get("target_year")
            r["target_year"] = _parse_year(ty) if _filled(ty) else None
            if _filled(ty) and r["target_year"] is None:
                problems.append(f"{_where(sheet, n, 'target_year')}: {ty!r} is not a year")
            sc = get.get("scale")
            r["scale"] = _parse_number(sc) if _filled(sc) else 1.0
            if r["scale"] is None or r["scale"] <= 0:
                problems.append(f"{_where(sheet, n, 'scale')}: {sc!r} is not a positive number")
                r["scale"] = 1.0
            r["measure"] = _text(get.get("measure")) or "level"
            if r["measure"] not in MEASURES:
                problems.append(f"{_where(sheet, n, 'measure')}: {r['measure']!r} is not one of "
                                f"{', '.join(MEASURES)}")
            pb = _parse_bool(get.get("partial_year"))
            if pb is None:
                problems.append(f"{_where(sheet, n, 'partial_year')}: "
                                f"{get.get('partial_year')!r} is not yes/no (是/否, true/false)")
            r["partial_year"] = bool(pb) or partial_year_from_text(obs)
            if r["target_indicator"].startswith("re:"):
                try:
                    re.compile(r["target_indicator"][3:])
                except re.error as e:
                    problems.append(f"{_where(sheet, n, 'target_indicator')}: bad regex ({e})")
                    r["target_indicator"] = ""
            # One observed indicator may speak to several target indicators (one row each),
            # but its figures have one unit and one partial-year status.
            key = (obs, r["target_indicator"], r["target_year"])
            f = first.setdefault(obs, r)
            if obs and key in seen:
                problems.append(f"{_where(sheet, n, 'observed_indicator')}: {obs!r} → "
                                f"{r['target_indicator'] or '(no target)'!r} is already mapped "
                                f"in row {seen[key]}")
            elif obs:
                seen[key] = n
            if f is not r and (f["unit"], f["partial_year"]) != (r["unit"], r["partial_year"]):
                problems.append(f"{_where(sheet, n, 'unit')}: {obs!r} has unit/partial_year "
                                f"{r['unit']!r}/{r['partial_year']} here but "
                                f"{f['unit']!r}/{f['partial_year']} in row {f['map_row']}")
            rows.append(r)
    return rows, problems


def _resolve_map(rows: list[dict[str, Any]], targets: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                             list[str]]:
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    for r in rows:
        where = f"{r['map_file']}, row {r['map_row']}, target_indicator"
        rule = r["target_indicator"]
        if not rule:
            out.append({**r, "target_id": pd.NA, "resolved_indicator": ""})
            continue
        hit = _match_targets(rule, r["target_year"], targets)
        names = list(dict.fromkeys(hit["indicator"]))
        yr = f" with target_year {r['target_year']}" if r["target_year"] else ""
        if not names:
            problems.append(f"{where}: {rule!r}{yr} matches no target"
                            f"{_suggest(rule.removeprefix('re:'), targets['indicator'])}")
            continue
        if len(names) > 1:
            problems.append(f"{where}: {rule!r}{yr} matches several target indicators "
                            f"({'; '.join(names)}); name exactly one")
            continue
        for _, t in hit.iterrows():
            bad_unit = (not _is_relative(t["comparator"], t["unit"])
                        and r["measure"] == "level" and r["to_unit"] != t["unit"])
            if r["measure"] == "change" and t["comparator"] not in CHANGE_COMPARATORS:
                problems.append(f"{r['map_file']}, row {r['map_row']}, measure: 'change' needs "
                                f"an increase_by/reduce_by target, {t['target_id']} is "
                                f"{t['comparator']!r}")
                continue
            if r["measure"] == "change" and r["to_unit"] != t["unit"]:
                bad_unit = True
            if bad_unit:
                problems.append(f"{r['map_file']}, row {r['map_row']}, to_unit: {r['to_unit']!r} "
                                f"(after scale {r['scale']:g}) does not match the unit "
                                f"{t['unit']!r} of target {t['target_id']} ({t['indicator']})")
                continue
            out.append({**r, "target_id": t["target_id"], "resolved_indicator": t["indicator"]})
    cols = ["map_file", "map_row", "observed_indicator", "target_indicator", "resolved_indicator",
            "target_id", "target_year", "unit", "to_unit", "scale", "measure", "partial_year",
            "note", "reviewed_by"]
    df = pd.DataFrame(out, columns=cols)
    df["target_year"] = df["target_year"].astype("Int64")
    df["partial_year"] = df["partial_year"].astype(bool)
    return df, problems


def _map_and_problems(targets: pd.DataFrame, path: str | Path | None
                      ) -> tuple[pd.DataFrame, list[str]]:
    p = Path(path) if path else config.INDICATOR_MAP
    if not p.exists():
        raise InputError(f"{p} is missing (the indicator map, see data/monitoring/README.md)")
    rows, problems = _read_map_rows(p)
    df, more = _resolve_map(rows, _clean_targets(targets))
    return df, problems + more


def load_indicator_map(targets: pd.DataFrame, path: str | Path | None = None) -> pd.DataFrame:
    """Read and resolve ``indicator_map.csv`` against ``targets``.

    One row per (observed indicator, target) pair; observed indicators with no plan target
    (known context-only figures) have ``target_id`` NA. A row whose ``target_indicator``
    matches no target, or matches targets with *different* indicator texts, is an error. A
    row may match several targets sharing one indicator text (e.g. 城镇绿色建筑占新建建筑比例
    for 2022 and for 2025): the same observed series rates each of them; ``target_year``
    narrows the match to one year.
    """
    df, problems = _map_and_problems(targets, path)
    if problems:
        raise ValidationError(problems, what="indicator map")
    return df


# ---------------------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What an observation's indicator and unit are checked against."""

    by_map: dict[str, dict[str, Any]]
    #: target indicator text -> accepted units (None: any unit, relative change target)
    target_units: dict[str, set[str] | None]
    have_targets: bool
    #: indicator -> plausible range replacing its unit's (data/reference/plausibility_overrides.csv)
    plausible: dict[str, numbers.Bound] = field(default_factory=dict)

    @classmethod
    def build(cls, map_rows: list[dict[str, Any]], targets: pd.DataFrame | None) -> _Known:
        units: dict[str, set[str] | None] = {}
        if targets is not None:
            for _, t in targets.iterrows():
                name = t["indicator"]
                if _is_relative(t["comparator"], t["unit"]):
                    units[name] = None
                    continue
                accepted = units.setdefault(name, set())
                if accepted is not None:
                    accepted.add(t["unit"])
        by_map: dict[str, dict[str, Any]] = {}
        for r in map_rows:
            by_map.setdefault(r["observed_indicator"], r)
        try:
            plausible = numbers.load_overrides(PLAUSIBILITY_OVERRIDES)
        except ValueError as e:
            raise InputError(str(e)) from None
        return cls(by_map, units, targets is not None, plausible)


def _parse_observations(sheet: _Sheet, known: _Known
                        ) -> tuple[list[dict[str, Any]], list[str], int]:
    """Rows of one sheet -> observation dicts, problems, number of unfilled template rows."""
    problems: list[str] = []
    spec = {**OBS_COLUMNS, **{k: (v,) for k, v in TEMPLATE_INFO.items()}}
    cols = _columns_of(sheet, spec)
    name_of = {k: sheet.header[i] for k, i in cols.items()}
    if "indicator" not in cols and "target_indicator" not in cols:
        problems.append(f"{sheet.label}: missing column indicator (指标)")
    missing = [f"{c} ({OBS_COLUMNS[c][1]})" for c in REQUIRED_OBS if c not in cols]
    if missing:
        problems.append(f"{sheet.label}: missing column(s) {', '.join(missing)}; the header "
                        f"row {sheet.header_row} reads {sheet.header[:12]}")
    if problems:
        return [], problems, 0
    out: list[dict[str, Any]] = []
    unfilled = 0
    for n, cells in sheet.rows:
        get = {k: (cells[i] if i < len(cells) else None) for k, i in cols.items()}
        if not any(_filled(get.get(k)) for k in _TEMPLATE_FILL):
            unfilled += any(_filled(c) for c in cells)  # a template row nobody filled in
            continue

        def bad(f: str, msg: str, n: int = n) -> None:
            problems.append(f"{_where(sheet, n, name_of.get(f, f))}: {msg}")

        indicator = _text(get.get("indicator")) or _text(get.get("target_indicator"))
        geo = _text(get.get("geo"))
        unit = _text(get.get("unit"))
        rec: dict[str, Any] = {
            "indicator": indicator, "geo": geo, "unit": unit,
            "source_title": _keep_text(get.get("source_title")),
            "source_url": _keep_text(get.get("source_url")),
            "quote": _keep_text(get.get("quote")), "note": _keep_text(get.get("note")),
            "file": sheet.label, "row": n,
        }
        # indicator and unit
        m = known.by_map.get(indicator)
        if not indicator:
            bad("indicator", "empty")
        elif m is not None:
            if unit and unit != m["unit"]:
                bad("unit", f"{unit!r} does not match the unit {m['unit']!r} of {indicator!r} in "
                            f"the indicator map (row {m['map_row']})")
        elif indicator in known.target_units:
            accepted = known.target_units[indicator]
            if unit and accepted is not None and unit not in accepted:
                bad("unit", f"{unit!r} does not match the target's unit "
                            f"{' / '.join(sorted(accepted))!r} for {indicator!r}")
        else:
            hint = "" if known.have_targets else (" (build/data/targets.csv not found, so plan "
                                                  "targets could not be checked: run make data)")
            bad("indicator", f"unknown indicator {indicator!r}: not in the indicator map and not "
                             f"a plan target{hint}"
                             f"{_suggest(indicator, [*known.by_map, *known.target_units])}")
        if not unit:
            bad("unit", "empty")
        # geo
        if not geo:
            bad("geo", f"empty (e.g. {DEFAULT_GEO})")
        elif geo not in KNOWN_GEOS:
            bad("geo", f"unknown geo {geo!r}; use one of {', '.join(KNOWN_GEOS)} "
                       "(full official names; add new ones to monitoring.KNOWN_GEOS)")
        # year
        y_raw = get.get("year")
        year = _parse_year(y_raw)
        if not _filled(y_raw):
            bad("year", "empty")
        elif year is None:
            bad("year", f"{y_raw!r} is not a year (write e.g. 2023)")
        elif not YEAR_MIN <= year <= year_max():
            bad("year", f"implausible year {year} (expected {YEAR_MIN}–{year_max()})")
        rec["year"] = year
        # value
        v_raw = get.get("value")
        parsed = numbers.parse_number(v_raw, unit)
        value = parsed.value
        implausible = None if value is None else numbers.plausibility(value, unit, indicator,
                                                                      known.plausible)
        if not _filled(v_raw):
            bad("value", "empty")
        elif parsed.error:
            bad("value", parsed.error)
        elif implausible:
            bad("value", f"{implausible}；如确属实，在 {_display(PLAUSIBILITY_OVERRIDES)} 为该指标"
                         "另设范围")
        elif parsed.warning:
            sheet.notes.append(f"{_where(sheet, n, name_of.get('value', 'value'))}: {parsed.warning}")
        rec["value"] = value
        # provenance
        if not rec["source_title"]:
            bad("source_title", "empty: every figure needs its source")
        if not (rec["source_url"] or rec["quote"] or rec["note"]):
            bad("source_url", "no source address, quote or note: say where the figure is found")
        # partial year: explicit column, the map, or the indicator's wording
        p_raw = get.get("partial_year")
        explicit = _parse_bool(p_raw)
        if explicit is None:
            bad("partial_year", f"{p_raw!r} is not yes/no (是/否, true/false)")
        rec["partial_year"] = (bool(explicit) or bool(m and m["partial_year"])
                               or partial_year_from_text(indicator))
        out.append(rec)
    return out, problems, unfilled


def _merge_duplicates(obs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str],
                                                           list[str]]:
    """Exact duplicates are merged (and reported); conflicting ones are errors."""
    kept: list[dict[str, Any]] = []
    first: dict[tuple[str, str, int], dict[str, Any]] = {}
    notes: list[str] = []
    problems: list[str] = []
    for r in obs:
        key = (r["indicator"], r["geo"], r["year"])
        if r["year"] is None or r["value"] is None:
            kept.append(r)
            continue
        f = first.get(key)
        if f is None:
            first[key] = r
            kept.append(r)
        elif math.isclose(f["value"], r["value"], rel_tol=1e-9) and f["unit"] == r["unit"]:
            notes.append(f"{r['file']}, row {r['row']}: same figure as {f['file']}, row "
                         f"{f['row']} ({r['indicator']}, {r['geo']}, {r['year']}: "
                         f"{r['value']:g} {r['unit']}); merged, the first is kept")
        else:
            problems.append(f"{r['file']}, row {r['row']}, value: duplicate of {f['file']}, row "
                            f"{f['row']} ({r['indicator']}, {r['geo']}, {r['year']}) with a "
                            f"different value: {r['value']:g} {r['unit']} vs "
                            f"{f['value']:g} {f['unit']}")
    return kept, notes, problems


def _observations_and_problems(path: str | Path | None, targets: pd.DataFrame | None,
                               map_rows: list[dict[str, Any]]
                               ) -> tuple[pd.DataFrame, list[str], list[str]]:
    p = Path(path) if path else config.MONITORING
    files, problems = _monitoring_files(p)
    known = _Known.build(map_rows, targets)
    recognise = {h for aliases in OBS_COLUMNS.values() for h in aliases} | set(
        TEMPLATE_INFO.values())
    obs: list[dict[str, Any]] = []
    notes: list[str] = []
    for f in files:
        try:
            sheets = _read_any(f, recognise)
        except InputError as e:
            problems.append(str(e))
            continue
        for sheet in sheets:
            rows, probs, unfilled = _parse_observations(sheet, known)
            notes += sheet.notes  # after parsing: approximate figures add notes
            obs += rows
            problems += probs
            if unfilled:
                notes.append(f"{sheet.label}: {unfilled} template row(s) not filled in")
    obs, merged, dup_problems = _merge_duplicates(obs)
    df = pd.DataFrame(obs, columns=OBS_OUT_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    df["row"] = df["row"].astype(int)
    df["partial_year"] = df["partial_year"].astype(bool)
    return df, problems + dup_problems, notes + merged


def _targets_or_none(targets: pd.DataFrame | None) -> pd.DataFrame | None:
    if targets is not None:
        return _clean_targets(targets)
    p = config.BUILD_DATA / contract.TARGETS
    return read_targets(p) if p.exists() else None


def load_observations(path: str | Path | None = None, *, targets: pd.DataFrame | None = None,
                      indicator_map: str | Path | None = None) -> pd.DataFrame:
    """Read and validate every .csv/.xlsx of ``path`` (a file or folder; default
    ``data/monitoring/``).

    Indicators are checked against the indicator map and the plan targets (``targets``, by
    default ``build/data/targets.csv`` when it exists). Returns one row per observation with
    columns indicator, geo, year, value, unit, source_title, source_url, quote, note,
    partial_year, file, row; ``df.attrs["notes"]`` lists what was merged or decoded.
    """
    t = _targets_or_none(targets)
    mp = Path(indicator_map) if indicator_map else config.INDICATOR_MAP
    map_rows, map_problems = _read_map_rows(mp) if mp.exists() else ([], [])
    df, problems, notes = _observations_and_problems(path, t, map_rows)
    problems = map_problems + problems
    if problems:
        raise ValidationError(problems, what="monitoring data")
    df.attrs["notes"] = notes
    return df


# ---------------------------------------------------------------------------------------
# Observations tied to targets
# ---------------------------------------------------------------------------------------

LINK_COLUMNS = ["target_id", "indicator", "target_indicator", "geo", "year", "value", "unit",
                "observed_value", "observed_unit", "measure", "partial_year", "context",
                "source_title", "source_url", "quote", "file", "row"]


def _link(targets: pd.DataFrame, observations: pd.DataFrame, imap: pd.DataFrame, geo: str
          ) -> tuple[pd.DataFrame, list[str]]:
    t = _clean_targets(targets)
    tgeo = t["geo"] if "geo" in t.columns else pd.Series(geo, index=t.index)
    tinfo = {row["target_id"]: (row, g or geo) for (_, row), g in zip(t.iterrows(), tgeo,
                                                                       strict=True)}
    by_obs: dict[str, list[dict[str, Any]]] = {}
    for _, m in imap.iterrows():
        by_obs.setdefault(m["observed_indicator"], [])
        if pd.notna(m["target_id"]):
            by_obs[m["observed_indicator"]].append(m.to_dict())
    by_indicator: dict[str, list[str]] = {}
    for tid, (row, _) in tinfo.items():
        by_indicator.setdefault(row["indicator"], []).append(tid)

    out: list[dict[str, Any]] = []
    for _, o in observations.iterrows():
        if o["indicator"] in by_obs:
            links = [(m["target_id"], m["scale"], m["measure"]) for m in by_obs[o["indicator"]]]
        else:
            links = [(tid, 1.0, "level") for tid in by_indicator.get(o["indicator"], [])]
        for tid, scale, measure in links:
            if tid not in tinfo:
                continue
            trow, target_geo = tinfo[tid]
            relative = _is_relative(trow["comparator"], trow["unit"]) and measure == "level"
            out.append({
                "target_id": tid, "indicator": o["indicator"],
                "target_indicator": trow["indicator"], "geo": o["geo"], "year": o["year"],
                "value": o["value"] * scale,
                "unit": o["unit"] if relative else trow["unit"],
                "observed_value": o["value"], "observed_unit": o["unit"], "measure": measure,
                "partial_year": bool(o["partial_year"]),
                "context": bool(o["geo"] != target_geo or o["partial_year"]),
                "source_title": o["source_title"], "source_url": o["source_url"],
                "quote": o.get("quote", ""), "file": o["file"], "row": o["row"],
            })
    df = pd.DataFrame(out, columns=LINK_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["partial_year"] = df["partial_year"].astype(bool)
    df["context"] = df["context"].astype(bool)
    df = df.sort_values(["target_id", "context", "geo", "year", "indicator"], kind="stable")
    return df.reset_index(drop=True), _conflicts(df)


def _conflicts(df: pd.DataFrame) -> list[str]:
    """Two figures that would rate one target for the same year must agree."""
    problems: list[str] = []
    rating = df[~df["context"]]
    for tid, g in rating.groupby("target_id", sort=True):
        if g["measure"].nunique() > 1:
            problems.append(f"target {tid}: both level and change figures would rate it ("
                            f"{', '.join(sorted(set(g['indicator'])))}); keep one kind")
        if g["unit"].nunique() > 1:
            units = ", ".join(sorted(set(g["unit"])))
            problems.append(f"target {tid}: figures in several units ({units}) would rate it; "
                            "one series must keep one unit")
        for year, gy in g.groupby("year"):
            if gy["value"].round(9).nunique() > 1:
                where = "; ".join(f"{r.file}, row {r.row}: {r.indicator} = {r.observed_value:g} "
                                  f"{r.observed_unit}" for r in gy.itertuples())
                problems.append(f"target {tid} ({gy['target_indicator'].iloc[0]}), {year}: "
                                f"different values would rate it: {where}")
    return problems


def observed_for_targets(targets: pd.DataFrame, observations: pd.DataFrame, *,
                         indicator_map: pd.DataFrame | None = None,
                         geo: str = DEFAULT_GEO) -> pd.DataFrame:
    """Observations tied to the targets they speak to, one row per (target, observation).

    ``value``/``unit`` are in the target's unit (the map's ``scale`` applied). ``context`` is
    True for figures that cannot rate the target: another geo than the target's (``geo``, or a
    ``geo`` column in ``targets``) or a partial-year figure. Observations of indicators with
    no plan target are not included.
    """
    imap = indicator_map if indicator_map is not None else load_indicator_map(targets)
    df, problems = _link(targets, observations, imap, geo)
    if problems:
        raise ValidationError(problems, what="monitoring data")
    return df


# ---------------------------------------------------------------------------------------
# Template and check
# ---------------------------------------------------------------------------------------

TEMPLATE_SHEET = "填报"


def write_template(out: str | Path | None = None, targets: pd.DataFrame | None = None) -> Path:
    """Write an .xlsx with one row per target, the fill-in columns empty.

    The analyst fills 地区, 年份, 数值, 单位 and the source; 指标 may stay empty to report the
    plan indicator itself, or name an observed indicator from the indicator map. The filled
    workbook goes into ``data/monitoring/`` as it is.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    t = _clean_targets(targets) if targets is not None else read_targets()
    path = Path(out) if out else config.BUILD / "monitoring_template.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)

    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    info = list(TEMPLATE_INFO)
    fill = list(_TEMPLATE_FILL)
    header = [TEMPLATE_INFO[c] for c in info] + [OBS_COLUMNS[c][1] for c in fill]
    ws.append(header)
    grey = PatternFill("solid", fgColor="E7E6E6")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    for i, cell in enumerate(ws[1]):
        cell.font = Font(bold=True)
        cell.fill = grey if i < len(info) else yellow
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    src = {"target_id": "target_id", "target_indicator": "indicator", "target_value": "value",
           "target_unit": "unit", "comparator": "comparator", "target_year": "year",
           "sector": "sector", "target_quote": "quote"}
    order = t.sort_values(["year", "target_id"], kind="stable", na_position="last")
    for _, r in order.iterrows():
        vals: list[Any] = []
        for c in info:
            v = r.get(src[c], "")
            missing = v is None or (not isinstance(v, str) and pd.isna(v))
            if not missing and c == "target_year":
                v = int(v)
            elif not missing and c == "comparator":
                v = f"{COMPARATOR_LABELS.get(v, v)} ({v})"
            vals.append(None if missing else v)
        ws.append(vals + [None] * len(fill))
    for row in ws.iter_rows(min_row=2, max_col=len(info)):
        for cell in row:
            cell.fill = grey
    last = max(ws.max_row, 2) + 200  # room for more figures per target
    col = {c: len(info) + k + 1 for k, c in enumerate(fill)}
    letter = {c: ws.cell(row=1, column=i).column_letter for c, i in col.items()}
    geo_dv = DataValidation(type="list", formula1='"' + ",".join(KNOWN_GEOS) + '"',
                            allow_blank=True)
    geo_dv.add(f"{letter['geo']}2:{letter['geo']}{last}")
    part_dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    part_dv.add(f"{letter['partial_year']}2:{letter['partial_year']}{last}")
    year_dv = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN),
                             formula2=str(year_max()), allow_blank=True)
    year_dv.add(f"{letter['year']}2:{letter['year']}{last}")
    for dv in (geo_dv, part_dv, year_dv):
        ws.add_data_validation(dv)
    widths = {"target_id": 9, "target_indicator": 28, "target_value": 8, "target_unit": 8,
              "comparator": 10, "target_year": 9, "sector": 11, "target_quote": 40,
              "indicator": 28, "geo": 14, "year": 8, "value": 10, "unit": 8, "source_title": 36,
              "source_url": 36, "quote": 40, "note": 20, "partial_year": 8}
    for i, c in enumerate(info + fill, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = widths[c]
    ws.freeze_panes = ws.cell(row=2, column=3)

    notes = wb.create_sheet("说明")
    for line in _TEMPLATE_HELP:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    wb.save(path)
    print(f"wrote {_display(path)} ({len(order)} targets)")
    return path


_TEMPLATE_HELP = [
    "监测数据填报说明",
    "灰色列为规划目标信息（勿改）；黄色列由填报人填写。一行一个观测值；"
    "同一目标有多年数据时复制该行。",
    "指标：留空即表示填报的就是规划指标本身；若统计口径名称不同，"
    "填写 data/reference/indicator_map.csv 中的观测指标名称。",
    f"地区：必须填写全称（{'、'.join(KNOWN_GEOS)}）。只有{DEFAULT_GEO}的数据用于评级；"
    "重庆市等其他地区的数据仅作参考。",
    "年份：数据所属年份（四位数字）。数值：只填数字，单位填在“单位”列，"
    "必须与目标单位一致（如 %、天、万千瓦）。",
    "非全年：1-10月累计、截至5月底等非全年数据填“是”（指标名称中含“1-10月”“截至X月”等字样时"
    "自动识别）。非全年数据只作参考，不据以判定“已实现”或“逾期未实现”。",
    "来源标题必填；来源网址、原文摘录或备注至少填写一项，便于核对。",
    "填好后将本文件放入 data/monitoring/，运行 python -m greenlib check-monitoring 检查，"
    "再运行 make data。",
]


def validate_all(targets: pd.DataFrame, path: str | Path | None = None,
                 indicator_map: str | Path | None = None, geo: str = DEFAULT_GEO
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate the map, every monitoring file and the figures' fit to targets in one go.

    Returns (observations, resolved map, observations tied to targets); raises one
    :class:`ValidationError` listing every problem found in any of the three steps.
    """
    t = _clean_targets(targets)
    imap, problems = _map_and_problems(t, indicator_map)
    mp = Path(indicator_map) if indicator_map else config.INDICATOR_MAP
    map_rows, _ = _read_map_rows(mp)
    obs, obs_problems, notes = _observations_and_problems(path, t, map_rows)
    problems += obs_problems
    linked, link_problems = _link(t, obs.dropna(subset=["year", "value"]), imap, geo)
    problems += link_problems
    if problems:
        raise ValidationError(problems, what="monitoring data")
    obs.attrs["notes"] = notes
    obs.attrs["map_rows"] = len(map_rows)
    return obs, imap, linked


def check(path: str | Path | None = None, *, targets: pd.DataFrame | None = None,
          indicator_map: str | Path | None = None) -> None:
    """Validate ``data/monitoring/`` and the indicator map against ``build/data/targets.csv``.

    Collects every problem (map, files, conflicts) before raising; prints a one-line OK
    summary, then any notes (merged duplicates, GBK files, unfilled template rows).
    """
    t = _clean_targets(targets) if targets is not None else read_targets()
    obs, _, linked = validate_all(t, path, indicator_map)
    n_files = obs["file"].str.replace(r" \[.*\]$", "", regex=True).nunique()
    geos = ", ".join(f"{n} {g}" for g, n in obs["geo"].value_counts().items())
    rating = linked[~linked["context"]]
    print(f"OK: {len(obs)} observations in {n_files} file(s) ({geos or 'none'}; "
          f"{int(obs['partial_year'].sum())} partial-year), {obs.attrs['map_rows']} "
          f"indicator-map rows, {linked['target_id'].nunique()} of {len(t)} targets have "
          f"figures, {rating['target_id'].nunique()} with {DEFAULT_GEO} full-year figures")
    for n in obs.attrs["notes"]:
        print(f"  note: {n}")
