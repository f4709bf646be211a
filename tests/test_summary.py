"""The monitor stage's assessment numbers (greenlib/monitor/summary.py): 评估结论, data age,
the counts table, the parent plan's ratings and the numbers assigned from above."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from greenlib import labels
from greenlib.errors import InputError
from greenlib.monitor import summary

AS_OF = "2024-06-30"


@pytest.mark.parametrize(("status", "year", "ratio", "want"), [
    ("achieved", 2025, None, "ahead"),          # met before its year is over
    ("achieved", 2023, None, "as_expected"),    # met, its year is over
    ("on_track", 2025, 1.5, "faster"),
    ("on_track", 2025, 1.0, "as_expected"),
    ("off_track", 2025, 0.3, "behind"),
    ("overdue", 2023, None, "unmet"),
    ("no_data", 2025, None, "no_data"),
])
def test_conclusion(status: str, year: int, ratio: float | None, want: str) -> None:
    assert summary.conclusion(status, year, AS_OF, ratio) == want


def _status() -> pd.DataFrame:
    return pd.DataFrame({
        "target_id": ["T1", "T2", "T3"], "status": ["achieved", "overdue", "no_data"],
        "target_year": [2025, 2022, 2025], "progress_ratio": [None, None, None],
        "latest_year": [2021, 2023, None], "latest_value": [60.0, 40.0, None],
        "baseline_value": [50.0, 30.0, None], "target_level": [55.0, 50.0, None],
        "target_value": [55.0, 50.0, 1.0], "indicator": ["森林覆盖率", "产值", "比例"],
        "light": ["green", "red", "grey"],
    })


def test_annotate_and_count() -> None:
    st = summary.annotate(_status(), AS_OF)
    assert list(st["conclusion"]) == ["ahead", "unmet", "no_data"]
    assert list(st["old_data"]) == [True, False, False]  # a 2021 figure for a 2024 review
    assert list(st["attribute"]) == ["binding", "", ""]  # 森林覆盖率: 约束性 nationally
    assert st["progress_pct"].iloc[0] == 200.0 and st["progress_pct"].iloc[1] == 50.0
    tasks = pd.DataFrame({"task_id": [1, 2, 3], "status": ["completed", "no_report", "standing"],
                          "light": ["green", "grey", "blue"], "lead_unit": ["甲", "乙", "甲"]})
    table = summary.summary_table(st, tasks, None, [], None)
    n = table.set_index(["measure", "key"])["n"]
    assert n[("targets", "total")] == 3 and n[("target_conclusion", "unmet")] == 1
    assert set(labels.CONCLUSION) <= set(table.loc[table["measure"] == "target_conclusion", "key"])
    assert n[("task_report", "unreported")] == 1 and n[("units", "reported")] == 1
    # a status or light the labels do not know yet still gets its row
    assert n[("task_status", "standing")] == 1 and n[("task_light", "blue")] == 1


def test_parent_ratings_and_both_rated(tmp_path: Path) -> None:
    st = summary.annotate(_status(), AS_OF)
    parent = tmp_path / "status.csv"
    pd.DataFrame({"target_id": ["P1", "P2"], "status": ["achieved", "no_data"],
                  "conclusion": ["as_expected", "no_data"]}).to_csv(parent, index=False)
    align = pd.DataFrame({"target_id": ["T1", "T3"], "parent_target_id": ["P1", "P2"],
                          "alignment": ["stricter", "equal"]})
    out = summary.parent_ratings(align, parent)
    assert list(out["parent_conclusion"]) == ["as_expected", "no_data"]
    n = summary.summary_table(st, None, None, [], out).set_index(["measure", "key"])["n"]
    assert n[("parent", "both_rated")] == 1  # T1 and P1; T3 has no figure
    assert summary.parent_ratings(align, tmp_path / "none.csv")["parent_conclusion"].eq("").all()


def test_assigned_numbers_are_checked_row_by_row(tmp_path: Path) -> None:
    goals = pd.DataFrame({"goal_id": ["G01", "G02"], "year": ["2025", "2025"],
                          "text": ["完成市上下达的单位GDP能耗下降率目标任务", "绿色技术创新体系更加完善"]})
    assert list(summary.assigned_goals(goals)["goal_id"]) == ["G01"]
    f = tmp_path / "assigned_targets.csv"
    f.write_text("goal_id,indicator,comparator,value,unit,year,assigned_by,reviewed_by\n"
                 "G01,能耗下降率,>=,14,%,2025,上级文件,张三\n"
                 "G02,其他,>=,1,%,2025,上级文件,张三\n"
                 "G01,能耗下降率,about,十四,%,2025,上级文件,\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        summary.read_assigned(f, goals)
    msg = str(e.value)
    assert "assigned_targets.csv 第 3 行 goal_id" in msg and "第 4 行 comparator" in msg
    f.write_text("goal_id,indicator,comparator,value,unit,year,assigned_by,reviewed_by\n"
                 "G01,能耗下降率,>=,14,%,2025,上级文件,张三\n", encoding="utf-8")
    got = summary.read_assigned(f, goals)
    assert list(got["target_id"]) == ["G01-1"] and got["value"].iloc[0] == 14.0
    rec = summary.assigned_records(goals, got, pd.DataFrame())
    assert rec[0]["pending"] and rec[0]["numbers"][0]["conclusion"] == "no_data"
    assert summary.read_assigned(tmp_path / "none.csv", goals).empty
