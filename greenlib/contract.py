"""The data contract of ``build/<plan-id>/data/`` (see DESIGN.md): file names and required columns.

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
#: Extra files (additive to DESIGN.md).
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

#: Files the clean stage writes (in this order), and those of the monitor stage.
CLEAN_FILES = (TASKS, TASK_UNITS, UNITS, TARGETS, GOALS, SECTORS, PLAN, QUALITY, RECOMMENDATIONS)
MONITOR_FILES = (STATUS, OBSERVATIONS, ALIGNMENT, MONITOR_QUALITY, TASK_STATUS, RETURNS)

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
}

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

COMPARATORS = (">=", "<=", "=", ">", "<", "increase_by", "reduce_by")
TARGET_SOURCES = ("main_targets", "body", "annex")
STATUSES = ("achieved", "on_track", "off_track", "overdue", "no_data")
ROLES = ("lead", "co")
ALIGNMENTS = ("stricter", "equal", "looser", "missing", "not_comparable")
#: A task's status as its lead unit reports it (no_report: no valid return).
TASK_STATUSES = ("completed", "in_progress", "delayed", "not_started", "no_report")
LIGHTS = ("green", "yellow", "red", "grey")
