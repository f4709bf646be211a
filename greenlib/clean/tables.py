"""The contract tables and the quality report, made from the finished
:class:`~greenlib.clean.work.Work` record."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from .. import contract
from .steps import _years
from .work import Work, __version__

# --------------------------------------------------------------------------- tables

TASK_EXTRA = ["co_units", "sector_name", "text_ocr", "repairs", "raw_text", "section_name",
              "text_doubt", "text_doubtful", "part_name", "page"]
#: the review columns (… confidence, rule) stay at the end: what made each row and how sure it is
TARGET_EXTRA = ["sources", "body_task", "raw_start", "raw_end", "value_high",
                *contract.TARGET_REVIEW_COLUMNS]
TASK_UNIT_EXTRA = ["method", "score", "raw_start", "raw_end"]
GOAL_COLUMNS = ["goal_id", "year", "text", "source", "raw_start", "raw_end"]


def tasks_table(w: Work) -> pd.DataFrame:
    lead = {r["task_id"]: r["unit"] for r in w.task_units if r["role"] == "lead"}
    co: dict[int, list[str]] = {}
    for r in w.task_units:
        if r["role"] == "co":
            co.setdefault(r["task_id"], []).append(r["unit"])
    rows = []
    for tid in sorted(w.cells):
        r = w.cells[tid].row
        rows.append({**{k: r[k] for k in ("task_id", "part", "part_title", "section",
                                          "section_title", "sector", "text")},
                     "lead_unit": lead.get(tid), "years": _years(r["text"], w.inputs.periods) or None,
                     "raw_start": r["raw_start"], "raw_end": r["raw_end"],
                     "co_units": ";".join(co.get(tid, [])),
                     "sector_name": w.inputs.sector_map.name_of(r["sector"]),
                     "text_ocr": r["text_ocr"], "repairs": r["repairs"],
                     "raw_text": r["raw_text"], "section_name": r["section_name"],
                     "text_doubt": r["text_doubt"], "text_doubtful": r["text_doubtful"],
                     "part_name": r["part_name"], "page": r.get("page")})
    return pd.DataFrame(rows, columns=[*contract.REQUIRED_COLUMNS[contract.TASKS], *TASK_EXTRA])


def task_units_table(w: Work) -> pd.DataFrame:
    return pd.DataFrame(w.task_units, columns=[*contract.REQUIRED_COLUMNS[contract.TASK_UNITS],
                                               *TASK_UNIT_EXTRA])


def targets_table(w: Work) -> pd.DataFrame:
    df = pd.DataFrame(w.targets, columns=[*contract.REQUIRED_COLUMNS[contract.TARGETS],
                                          *TARGET_EXTRA])
    df["value"] = df["value"].astype(float)
    df["value_high"] = df["value_high"].astype(float)
    df["confidence"] = df["confidence"].astype(float).fillna(1.0)  # an analyst's correction
    for c in ("year_guessed", "unit_guessed"):
        df[c] = df[c].fillna(False).astype(bool)
    for c in ("year", "body_task", "raw_start", "raw_end"):
        df[c] = pd.array(df[c], dtype="Int64")
    return df


def goals_table(w: Work) -> pd.DataFrame:
    df = pd.DataFrame(w.goals, columns=GOAL_COLUMNS)
    df["year"] = pd.array(df["year"], dtype="Int64")
    return df


def units_table(w: Work, task_units: pd.DataFrame) -> pd.DataFrame:
    reg = w.inputs.registry
    rows = []
    extra = sorted(set(task_units["unit"]) - set(reg.units))
    counts = Counter(zip(task_units["unit"], task_units["role"], strict=True))
    for u in [*reg.units, *extra]:
        n_lead, n_co = counts[(u, "lead")], counts[(u, "co")]
        if n_lead or n_co:
            rows.append({"unit": u, "full_name": reg.full_name(u) or u,
                         "kind": reg.kind(u) or "未登记（按原文）",
                         "n_lead": n_lead, "n_co": n_co, "n_tasks": n_lead + n_co})
    df = pd.DataFrame(rows, columns=[*contract.REQUIRED_COLUMNS[contract.UNITS], "n_tasks"])
    return df.sort_values(["n_tasks", "n_lead", "unit"], ascending=[False, False, True],
                          ignore_index=True)


def quality(w: Work, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    tasks, tu, units = tables[contract.TASKS], tables[contract.TASK_UNITS], tables[contract.UNITS]
    targets, goals = tables[contract.TARGETS], tables[contract.GOALS]
    log = w.correction_log
    return {
        "input": {"path": str(w.doc.path), "sha256": w.doc.sha256, "encoding": w.doc.encoding,
                  "characters": len(w.doc.text), "traditional_converted": w.norm.traditional},
        "title": w.plan.title,
        "counts": {
            "tasks": len(tasks), "parts": len(w.plan.parts), "sections": len(w.plan.sections),
            "body_key_tasks": len(w.plan.body_tasks), "units": len(units),
            "task_units": len(tu), "targets": len(targets), "goals": len(goals),
            "targets_by_source": targets["source"].value_counts().to_dict(),
            "corrections_applied": sum(c["status"] == "applied" for c in log),
            "corrections_unused": sum(c["status"] == "unused" for c in log),
            "unresolved": len(w.unresolved),
        },
        "normalisation": dict(w.norm.rules) | {"text_repaired_from_body": w.n_repairs,
                                                "titles_from_wordings": len(w.title_repairs)},
        "title_repairs": w.title_repairs,
        "unit_matching": tu["method"].value_counts().to_dict() if len(tu) else {},
        "corrections": log,
        "unresolved": w.unresolved,
        "warnings": w.warnings,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "greenlib_version": __version__,
    }
