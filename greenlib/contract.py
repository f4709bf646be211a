"""The data contract of ``build/<plan-id>/data/``: file names and required columns.

Other tools read these files, so the names and meanings here are fixed; extra columns are
allowed after the required ones. The clean stage writes tasks, task_units, units, targets,
goals, sectors, plan.json and quality.json; the monitor stage writes status and
observations (and alignment for a plan with a parent); the report stage only reads.
"""

from __future__ import annotations

TASKS = "tasks.csv"
TASK_UNITS = "task_units.csv"
UNITS = "units.csv"
TARGETS = "targets.csv"
STATUS = "status.csv"
QUALITY = "quality.json"
#: Extra files (added after the first contract: tasks, task_units, units, targets, status, quality).
GOALS = "goals.csv"
SECTORS = "sectors.csv"
PLAN = "plan.json"
OBSERVATIONS = "observations.csv"
ALIGNMENT = "alignment.csv"
MONITOR_QUALITY = "monitor.json"
#: The analysts' 下一步工作建议 for the assessment (copied from plans/<id>/recommendations.md).
RECOMMENDATIONS = "recommendations.md"
#: Department returns (docs/returns.md): every row read, and the status of every task.
RETURNS = "returns.csv"
TASK_STATUS = "task_status.csv"
#: The follow-up cycle (docs/returns.md): one row per department of the current round
#: (reporting, lights, rank), and the status of every task and target in every round.
UNIT_STATUS = "unit_status.csv"
TASK_HISTORY = "task_history.csv"
TARGET_HISTORY = "target_history.csv"
#: The analyst's review book (doubtful targets and task texts): written by ``make data`` to
#: ``build/<plan-id>/``, read back from ``plans/<plan-id>/reference/`` (README, *Any other
#: plan*; docs/assumptions.md V1–V7).
TARGETS_REVIEW = "targets_review.xlsx"
#: Every count the assessment prints, computed once by the monitor stage (monitor/summary.py).
SUMMARY = "summary.csv"

#: Files the clean stage writes (in this order), and those of the monitor stage.
CLEAN_FILES = (TASKS, TASK_UNITS, UNITS, TARGETS, GOALS, SECTORS, PLAN, QUALITY, RECOMMENDATIONS)
MONITOR_FILES = (STATUS, OBSERVATIONS, ALIGNMENT, MONITOR_QUALITY, TASK_STATUS, RETURNS,
                 UNIT_STATUS, TASK_HISTORY, TARGET_HISTORY, SUMMARY)

REQUIRED_COLUMNS: dict[str, list[str]] = {
    TASKS: [
        "task_id", "part", "part_title", "section", "section_title", "sector",
        "text", "lead_unit", "years", "raw_start", "raw_end",
    ],
    TASK_UNITS: ["task_id", "unit", "role", "position", "raw"],
    UNITS: ["unit", "full_name", "kind", "n_lead", "n_co"],
    TARGETS: [
        "target_id", "indicator", "value", "unit", "comparator", "year", "sector",
        "source", "task_ids", "quote",
    ],
    STATUS: [
        "target_id", "as_of", "geo", "baseline_year", "baseline_value", "latest_year",
        "latest_value", "status", "rule",
    ],
    OBSERVATIONS: [
        "target_id", "indicator", "target_indicator", "geo", "year", "value", "unit",
        "observed_value", "observed_unit", "measure", "partial_year", "rated", "usage", "why",
        "source_title", "source_url", "quote", "file", "row",
    ],
    ALIGNMENT: [
        "target_id", "indicator", "value", "unit", "comparator", "year", "parent_plan",
        "parent_target_id", "parent_indicator", "parent_value", "parent_unit",
        "parent_comparator", "parent_year", "alignment", "match",
    ],
    SECTORS: ["sector", "sector_name", "order"],
    TASK_STATUS: ["task_id", "as_of", "status", "light", "lead_unit", "reported_by",
                  "report_date", "evidence", "rule"],
    RETURNS: ["file", "sheet", "row", "unit", "task_id", "target_id", "accepted", "message"],
    UNIT_STATUS: ["unit", "lead_tasks", "reported_tasks", "report_rate", "done", "ongoing",
                  "behind", "not_started", "refused_rows", "red", "yellow", "blue", "green",
                  "grey", "rank", "rank_basis"],
    TASK_HISTORY: ["task_id", "round", "as_of", "status", "light", "reported_by"],
    TARGET_HISTORY: ["target_id", "round", "as_of", "status", "light", "reported_by"],
    SUMMARY: ["measure", "key", "n"],
}
#: The last columns of targets.csv (after the required ones and the clean stage's other extras):
#: the unit's normalised form, whether the year or the unit was guessed, how sure the row is
#: (0–1) and the rule that made it — confidence and rule always last (docs/assumptions.md T22).
TARGET_REVIEW_COLUMNS = ["unit_normalised", "year_guessed", "unit_guessed", "confidence", "rule"]

#: Text columns written from users' words (returns, monitoring files, plan files) whose CSV
#: cells are guarded against formula injection: a cell beginning with = + - @ tab or CR gets a
#: leading single quote (greenlib/office.py; the report stage takes it off again). Numeric
#: columns (value, year, …) are never guarded: a negative figure stays a number.
FORMULA_GUARDED: dict[str, tuple[str, ...]] = {
    OBSERVATIONS: ("indicator", "geo", "unit", "observed_unit", "source_title", "source_url",
                   "quote", "note", "file", "reported_by"),
    TASK_STATUS: ("reported_by", "evidence", "progress", "report_file", "co_reports",
                  "co_missing", "public_evidence", "public_evidence_sources"),
    RETURNS: ("file", "sheet", "message", "cells", "progress", "evidence", "value_unit",
              "source", "note", "superseded_by"),
}
#: Columns the monitor run adds to status.csv right after its required ones: the target's
#: light (same colours as the tasks') and the unit answerable for it (docs/returns.md).
STATUS_PROGRESS_COLUMNS = ["light", "owner_unit"]
#: Columns the monitor run adds at the end of status.csv for the assessment
#: (greenlib/monitor/summary.py): 评估结论, data age in years, old data flag, 约束性, 完成进度 %.
STATUS_ASSESSMENT_COLUMNS = ["conclusion", "data_age", "old_data", "attribute", "progress_pct"]
#: Extra columns of alignment.csv: the parent target's rating and 评估结论 (when rated).
ALIGNMENT_PARENT_COLUMNS = ["parent_status", "parent_conclusion"]

COMPARATORS = (">=", "<=", "=", ">", "<", "increase_by", "reduce_by")
TARGET_SOURCES = ("main_targets", "body", "annex")
STATUSES = ("achieved", "on_track", "off_track", "overdue", "no_data")
#: A target's 评估结论 in a mid-term / final review (national practice), from its status.
CONCLUSIONS = ("ahead", "faster", "as_expected", "behind", "unmet", "no_data")
ROLES = ("lead", "co")
ALIGNMENTS = ("stricter", "equal", "looser", "missing", "not_comparable")
#: A task's status as its lead unit reports it (no_report: no valid return; standing: a
#: standing duty carried on as routine, 常态化推进).
TASK_STATUSES = ("completed", "in_progress", "standing", "delayed", "not_started", "no_report")
#: Three-colour supervision plus grey (not reported): red overdue or self-reported behind,
#: yellow behind the 序时进度 or reported too long ago, blue a stated deadline within the next
#: reporting cycle, green done or on schedule.
LIGHTS = ("red", "yellow", "blue", "green", "grey")

#: A unit of the registry that names many bodies at once (全区各级各部门, 各乡镇街道): its
#: kind in units.csv, or generic words in its name. Such a unit gets no request workbook and
#: no rank; its tasks are shared duties (docs/returns.md).
COLLECTIVE_KIND = "统称"
COLLECTIVE_WORDS = ("各级各部门", "各部门", "各单位", "各乡镇", "各街道", "各有关", "各级")


def is_collective(unit: object, kind: object = None) -> bool:
    """True for a collective name (kind 统称, or generic words such as 各级各部门)."""
    name = "" if unit is None else str(unit)
    return str(kind or "") == COLLECTIVE_KIND or any(w in name for w in COLLECTIVE_WORDS)
