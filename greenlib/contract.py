"""The data contract of ``build/data/`` (see DESIGN.md): file names and required columns.

Other tools read these files, so the names and meanings here are fixed; extra
columns are allowed after the required ones.
"""

from __future__ import annotations

TASKS = "tasks.csv"
TASK_UNITS = "task_units.csv"
UNITS = "units.csv"
TARGETS = "targets.csv"
STATUS = "status.csv"
QUALITY = "quality.json"

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
}

COMPARATORS = (">=", "<=", "=", ">", "<", "increase_by", "reduce_by")
TARGET_SOURCES = ("main_targets", "body", "annex")
STATUSES = ("achieved", "on_track", "off_track", "overdue", "no_data")
ROLES = ("lead", "co")
