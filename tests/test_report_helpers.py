"""Report tables built from the cleaned plan's quality report."""

from __future__ import annotations

from greenlib import labels
from greenlib.report import helpers as rh


def test_quality_tables_are_in_chinese_and_follow_the_task_order(built_data):
    s = rh.scope(None, data_dir=built_data)
    un = rh.unresolved_table(s)
    assert set(un["类型"]) <= set(labels.UNRESOLVED_KINDS.values())  # no English codes shown
    tasks = [int(t) for t in un["任务"] if t != "—"]
    assert tasks == sorted(tasks) and 6 in tasks and 50 in tasks


def test_sector_report_lists_corrections_of_its_targets(built_data):
    s = rh.scope("urban", data_dir=built_data)
    corr = rh.corrections_table(s)
    assert "target-67-sludge" in set(corr["编号"])  # a target correction, found through its task
    assert "unit-79-keji" not in set(corr["编号"])  # innovation, not urban
