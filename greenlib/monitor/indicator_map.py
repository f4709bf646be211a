"""The indicator map: observed indicator wording → the plan's target wording.

Observed indicator names differ from the plan's, so a plan's ``reference/indicator_map.csv``
ties them to targets. The map never names a ``target_id`` (ids change when the parser
changes): each row names the target's *indicator text* and is resolved against
``targets.csv`` at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract
from ..errors import InputError, ValidationError
from .readers import (
    _columns_of,
    _filled,
    _keep_text,
    _parse_bool,
    _parse_number,
    _parse_year,
    _read_any,
    _text,
    _where,
    partial_year_from_text,
)

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



def read_targets(path: str | Path) -> pd.DataFrame:
    """Read a data folder's ``targets.csv`` (or the file itself) with a clear error if missing."""
    p = Path(path)
    if p.suffix != ".csv":
        p = p / contract.TARGETS
    if not p.exists():
        raise InputError(f"{p}: 文件不存在，请先运行 make data")
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


def map_rows(path: str | Path | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The map's rows and problems; no map (``None`` or no file) is an empty map: figures
    must then name the target's indicator text itself."""
    if path is None or not Path(path).exists():
        return [], []
    return _read_map_rows(Path(path))


def _map_and_problems(targets: pd.DataFrame, path: str | Path | None
                      ) -> tuple[pd.DataFrame, list[str]]:
    rows, problems = map_rows(path)
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


