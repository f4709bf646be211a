"""What the report notebooks call, in one namespace (``from greenlib.report import helpers as rh``).

The work is done by :mod:`.scope` (what a report is about), :mod:`.views` (tables and chart
inputs), :mod:`.show` (display) and :mod:`.fmt` (numbers and words); this module only
gathers their public names so the notebooks stay thin.
"""

from __future__ import annotations

from .fmt import chinese_number, fmt_value, split_list, target_text, year_passed
from .scope import SUMMARY_MIME, Scope, headline, scope, status_frame
from .show import (
                   data_version,
                   headline_html,
                   plan_source,
                   show_headline,
                   show_markdown,
                   show_note,
                   show_table,
                   show_title,
                   table_html,
)
from .views import (
                   alignment_counts,
                   alignment_table,
                   co_pairs,
                   corrections_table,
                   deadline_counts,
                   goals_table,
                   observation_table,
                   observed_frames,
                   passed_targets,
                   quality_counts,
                   rating_note,
                   section_counts,
                   sections_table,
                   sector_order,
                   sector_status_counts,
                   sector_table,
                   sector_year_counts,
                   status_counts,
                   target_table,
                   task_table,
                   unit_role_counts,
                   unit_table,
                   unresolved_table,
)

__all__ = [
                   "SUMMARY_MIME",
                   "Scope",
                   "alignment_counts",
                   "alignment_table",
                   "chinese_number",
                   "co_pairs",
                   "corrections_table",
                   "data_version",
                   "deadline_counts",
                   "fmt_value",
                   "goals_table",
                   "headline",
                   "headline_html",
                   "observation_table",
                   "observed_frames",
                   "passed_targets",
                   "plan_source",
                   "quality_counts",
                   "rating_note",
                   "scope",
                   "section_counts",
                   "sections_table",
                   "sector_order",
                   "sector_status_counts",
                   "sector_table",
                   "sector_year_counts",
                   "show_headline",
                   "show_markdown",
                   "show_note",
                   "show_table",
                   "show_title",
                   "split_list",
                   "status_counts",
                   "status_frame",
                   "table_html",
                   "target_table",
                   "target_text",
                   "task_table",
                   "unit_role_counts",
                   "unit_table",
                   "unresolved_table",
                   "year_passed",
]
