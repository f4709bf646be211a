"""The clean stage: a raw plan → the contract tables, in named steps.

Shaped as owid/etl steps are: **load inputs** (:func:`load_inputs`: the raw text and the
plan's reference data), **process** (:func:`clean_document`: parse → annex tasks →
repair → corrections → units → targets → goals → tables → quality) and **save outputs**
(:func:`greenlib.clean.outputs.write_outputs`, only after validation passes). Each step
is a small function over one :class:`Work` record instead of a long function passing
dicts around. The record and the inputs are in :mod:`.work`, the steps in :mod:`.steps`,
the tables and the quality report in :mod:`.tables`; this module runs them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract
from .. import plan as plan_mod
from . import completeness, corrections, profile, review, sectors, steps
from .ingest import RawDoc, normalize, read_plan
from .parse import parse
from .steps import (
    assign_units,
    check_complete,
    check_genre,
    correct_annex,
    find_goals,
    find_targets,
    judge_text,
    merge_targets,
    read_annex,
    repair_annex,
)
from .tables import (
    GOAL_COLUMNS,
    TARGET_EXTRA,
    TASK_EXTRA,
    TASK_UNIT_EXTRA,
    goals_table,
    quality,
    targets_table,
    task_units_table,
    tasks_table,
    units_table,
)
from .units import Registry
from .validate import validate_tables
from .work import AnnexCell, CleanResult, Inputs, Work, __version__, load_inputs

__all__ = [
    "GOAL_COLUMNS",
    "TARGET_EXTRA",
    "TASK_EXTRA",
    "TASK_UNIT_EXTRA",
    "AnnexCell",
    "CleanResult",
    "Inputs",
    "Work",
    "__version__",
    "clean_document",
    "clean_plan",
    "load_inputs",
    "merge_targets",
    "run",
    "validate",
]


# --------------------------------------------------------------------------- process


def clean_document(doc: RawDoc, registry: Registry | None = None,
                   sector_map: sectors.SectorMap | None = None,
                   corrections_path: str | Path | None = None,
                   use_corrections: bool = True, open_units: bool | None = None, *,
                   plan: plan_mod.Plan | None = None,
                   inputs: Inputs | None = None,
                   accept_incomplete: str | None = None) -> CleanResult:
    """Clean one plan into the contract tables (not yet written).

    The reference data come from ``inputs``, else from ``plan``'s folder (see
    :func:`load_inputs`), else are neutral; ``registry``, ``sector_map`` and
    ``corrections_path`` override single parts of them (tests, other tools).
    """
    inp = inputs or load_inputs(plan)
    if registry is not None:
        inp.registry = registry
    if sector_map is not None:
        inp.sector_map = sector_map
    if corrections_path is not None:
        inp.corrections = corrections.load(corrections_path)
    if not use_corrections:
        inp.corrections = []
    if open_units is not None:
        inp.open_units = open_units
    if accept_incomplete:
        inp.accept_incomplete = accept_incomplete
    norm = normalize(doc.text)
    w = Work(doc, norm, parse(norm), inp, unresolved=[])
    w.unresolved += list(w.plan.problems)
    for step in (read_annex, check_complete, repair_annex, correct_annex, judge_text,
                 review.review_tasks, assign_units, find_targets, find_goals, check_genre):
        step(w)
    tables: dict[str, pd.DataFrame] = {
        contract.TASKS: tasks_table(w), contract.TASK_UNITS: task_units_table(w),
        contract.TARGETS: targets_table(w), contract.GOALS: goals_table(w),
    }
    tables[contract.UNITS] = units_table(w, tables[contract.TASK_UNITS])
    used = sorted(set(tables[contract.TASKS]["sector"]) | set(tables[contract.TARGETS]["sector"]))
    tables[contract.SECTORS] = inp.sector_map.table(used)
    tables = {k: tables[k] for k in (contract.TASKS, contract.TASK_UNITS, contract.UNITS,
                                     contract.TARGETS, contract.GOALS, contract.SECTORS)}
    rev = review.summary(w, steps.REVIEW_BELOW, inp.review_file)  # (its problems are unresolved items)
    res = CleanResult(tables=tables, quality=quality(w, tables), plan=w.plan, doc=doc,
                      extra={"registry": inp.registry, "sector_map": inp.sector_map,
                             "open_units": inp.open_units})
    res.quality["review"] = rev
    return res


def validate(res: CleanResult, open_units: bool | None = None) -> None:
    """Validate the tables against the registry and sector map the cleaning used.

    With open units (another government's plan) the units kept as written are canonical.
    """
    units = set(res.extra["registry"].units)
    if res.extra.get("open_units") if open_units is None else open_units:
        units |= set(res.tables[contract.TASK_UNITS]["unit"])
    validate_tables(res.tables, units, res.extra["sector_map"].slugs)


# --------------------------------------------------------------------------- entry points


def _summary(res: CleanResult, out: str | Path, seconds: float) -> str:
    c = res.quality["counts"]
    return (f"greenlib clean: {res.doc.path.name}: {c['tasks']} 项任务, {c['task_units']} 个任务—单位对, "
            f"{c['units']} 个责任单位, {c['targets']} 项量化目标; 更正已采用 {c['corrections_applied']}, "
            f"未使用 {c['corrections_unused']}; 待解决 {c['unresolved']} → {out} ({seconds:.2f}s)")


def run(plan: plan_mod.Plan, out: str | Path, as_of: str | None = None,
        log: Any = print) -> CleanResult:
    """``make data`` (clean stage): the plan's raw text into ``out`` (build/<plan-id>/data)."""
    from .outputs import write_outputs

    t0 = time.perf_counter()
    checksum_warnings: list[dict[str, Any]] = []
    completeness.check_checksum(plan.raw, None, checksum_warnings)  # before decoding it
    doc = read_plan(plan.raw)
    res = clean_document(doc, plan=plan)
    res.quality["warnings"] += checksum_warnings
    res.quality["to_confirm"] = profile.to_confirm(plan.folder / "plan.yaml")
    validate(res)
    rec = plan.recommendations
    write_outputs(res, out, plan.summary(as_of),
                  rec.read_text(encoding="utf-8") if rec.exists() else None)
    log(_summary(res, out, time.perf_counter() - t0))
    return res


def clean_plan(input_path: str | Path, out: str | Path, quiet: bool = False,
               plan: plan_mod.Plan | None = None,
               accept_incomplete: str | None = None) -> CleanResult:
    """``python -m greenlib clean INPUT --out DIR``: any plan of the genre, with neutral
    reference data (generic unit names kept as written, no corrections, no sector map), or
    with a known plan's reference data (``--plan``: another copy of that plan)."""
    from .outputs import write_outputs

    t0 = time.perf_counter()
    doc = read_plan(input_path)
    res = clean_document(doc, plan=plan, accept_incomplete=accept_incomplete)
    validate(res)
    if plan is not None:
        summary = plan.summary()
    else:
        neutral = plan_mod.neutral(Path(input_path).stem)
        summary = neutral.summary() | {"title": res.plan.title or Path(input_path).stem,
                                       "short_title": res.plan.title or Path(input_path).stem}
    write_outputs(res, out, summary)
    if not quiet:
        import sys

        print(_summary(res, out, time.perf_counter() - t0), file=sys.stderr)
    return res
