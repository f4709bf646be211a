"""Explicit schemas for the contract tables (pandera), with errors that name table, row and field.

Row numbers are the line numbers a user sees when opening the CSV (header = line 1).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .. import contract
from ..errors import ValidationError

YEAR_MIN, YEAR_MAX = 2020, 2060
#: a target's year: plans of the genre date from 十一五 (2006–2010) on; the clean stage checks
#: each against the text's own dates and warns (steps.check_target_years), it never refuses a file
TARGET_YEAR_MIN, TARGET_YEAR_MAX = 1990, 2100


def _schemas(units: set[str], sectors: set[str], max_parts: int = 10) -> dict[str, pa.DataFrameSchema]:
    canonical = pa.Check.isin(sorted(units), error="not a canonical unit of the plan's reference/units.csv")
    target_year_ok = pa.Check.in_range(TARGET_YEAR_MIN, TARGET_YEAR_MAX,
                                       error=f"year outside {TARGET_YEAR_MIN}–{TARGET_YEAR_MAX}")

    def years_ok(s: pd.Series) -> pd.Series:
        def one(v: object) -> bool:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v == "":
                return True
            return all(p.isdigit() and YEAR_MIN <= int(p) <= YEAR_MAX for p in str(v).split(";"))

        return s.map(one)

    def ids_ok(s: pd.Series) -> pd.Series:
        return s.map(lambda v: v is None or (isinstance(v, float) and pd.isna(v)) or v == ""
                     or all(p.isdigit() for p in str(v).split(";")))

    sector_ok = pa.Check.isin(sorted(sectors), error="sector slug not in the plan's reference/sectors.csv")
    return {
        contract.TASKS: pa.DataFrameSchema(
            {
                "task_id": pa.Column(int, pa.Check.ge(1), unique=True),
                "part": pa.Column(int, pa.Check.in_range(1, max_parts)),
                "part_title": pa.Column(str, pa.Check.str_length(min_value=2)),
                "section": pa.Column(int, pa.Check.ge(1)),
                "section_title": pa.Column(str, pa.Check.str_length(min_value=2)),
                "sector": pa.Column(str, sector_ok),
                "text": pa.Column(str, [pa.Check.str_length(min_value=4),
                                        pa.Check(lambda s: ~s.str.contains(r"\n\d{1,3}、"),
                                                 error="page marker left in text")]),
                "lead_unit": pa.Column(str, canonical, nullable=True),
                "years": pa.Column(str, pa.Check(years_ok, error="years must be ;-joined 20xx"),
                                   nullable=True),
                "raw_start": pa.Column(int, pa.Check.ge(0)),
                "raw_end": pa.Column(int, pa.Check.ge(0)),
            },
            checks=[pa.Check(lambda d: d["raw_end"] > d["raw_start"], error="raw_end <= raw_start")],
            strict=False,
        ),
        contract.TASK_UNITS: pa.DataFrameSchema(
            {
                "task_id": pa.Column(int, pa.Check.ge(1)),
                "unit": pa.Column(str, canonical),
                "role": pa.Column(str, pa.Check.isin(list(contract.ROLES))),
                "position": pa.Column(int, pa.Check.ge(1)),
                "raw": pa.Column(str),
            },
            unique=["task_id", "position"],
            strict=False,
        ),
        contract.UNITS: pa.DataFrameSchema(
            {
                "unit": pa.Column(str, canonical, unique=True),
                "full_name": pa.Column(str),
                "kind": pa.Column(str),
                "n_lead": pa.Column(int, pa.Check.ge(0)),
                "n_co": pa.Column(int, pa.Check.ge(0)),
            },
            strict=False,
        ),
        contract.TARGETS: pa.DataFrameSchema(
            {
                "target_id": pa.Column(str, unique=True),
                "indicator": pa.Column(str, pa.Check.str_length(min_value=2)),
                "value": pa.Column(float, pa.Check(lambda s: s.notna() & (s >= 0),
                                                   error="value must be a non-negative number")),
                # a coefficient or an index (利用系数0.57) has no unit
                "unit": pa.Column(str, nullable=True),
                "comparator": pa.Column(str, pa.Check.isin(list(contract.COMPARATORS))),
                "year": pa.Column("Int64", target_year_ok, nullable=True),
                "sector": pa.Column(str),
                "source": pa.Column(str, pa.Check.isin(list(contract.TARGET_SOURCES))),
                "task_ids": pa.Column(str, pa.Check(ids_ok, error="task_ids must be ;-joined ints"),
                                      nullable=True),
                "quote": pa.Column(str, pa.Check.str_length(min_value=2)),
            },
            strict=False,
        ),
    }


def _user_position(df: pd.DataFrame, idx: object) -> str:
    """Where a failing row is for the user: the annex task's number (and the unit), the
    target's id, the unit — what the plan and its reports call it, never the row number of
    an output table the user has not seen (issue 21)."""
    if not pd.notna(idx) or int(idx) not in df.index:  # type: ignore[arg-type]
        return "整表"
    row = df.loc[int(idx)]  # type: ignore[arg-type]
    if "task_id" in df.columns and pd.notna(row["task_id"]):
        extra = f"（{row['unit']}）" if "unit" in df.columns and pd.notna(row["unit"]) else ""
        return f"附件第 {int(row['task_id'])} 项任务{extra}"
    if "target_id" in df.columns and pd.notna(row["target_id"]):
        return f"量化目标 {row['target_id']}"
    if "unit" in df.columns and pd.notna(row["unit"]):
        return f"责任单位 {row['unit']}"
    return f"第 {int(idx) + 1} 条"  # type: ignore[arg-type]


def validate_tables(tables: dict[str, pd.DataFrame], units: set[str], sectors: set[str]) -> None:
    """Validate every table; collect all problems, then raise one :class:`ValidationError`."""
    problems: list[str] = []
    schemas = _schemas(units, sectors | {"overall", "environment"})
    for name, schema in schemas.items():
        df = tables.get(name)
        if df is None:
            continue
        missing = [c for c in contract.REQUIRED_COLUMNS[name] if c not in df.columns]
        if missing:
            problems.append(f"{name}: missing column(s) {missing}")
            continue
        if df.empty:
            continue  # an empty table (a plan without an annex) has nothing to check
        try:
            schema.validate(df, lazy=True)
        except SchemaErrors as e:
            fc = e.failure_cases
            for _, r in fc.iterrows():
                idx = r.get("index")
                col = r.get("column") or "-"
                problems.append(f"{name}：{_user_position(df, idx)}：字段 {col}："
                                f"{r.get('check')}（值：{r.get('failure_case')!r}）")
    tasks = tables.get(contract.TASKS)
    if tasks is not None and len(tasks):
        ids = sorted(int(i) for i in tasks["task_id"])
        gaps = sorted(set(range(1, ids[-1] + 1)) - set(ids))
        if gaps:
            problems.append(f"{contract.TASKS}: field 'task_id': numbers missing from the sequence: {gaps}")
    tu = tables.get(contract.TASK_UNITS)
    if tasks is not None and tu is not None and len(tu):
        orphan = sorted(set(tu["task_id"]) - set(tasks["task_id"]))
        if orphan:
            problems.append(f"{contract.TASK_UNITS}: field 'task_id': not in tasks.csv: {orphan}")
    if problems:
        raise ValidationError(problems, what="build/data validation failed")
