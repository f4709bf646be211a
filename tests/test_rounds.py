"""The follow-up cycle (issue 16): rounds of returns, fair rankings, history, lights.

Every return here is SYNTHETIC (tools/make_synthetic_returns.py): file names say 'synthetic'
(合成), text cells say 合成测试数据; they live in temporary folders only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from greenlib import contract
from greenlib.monitor import progress
from greenlib.monitor import requests as rq
from greenlib.monitor import run as monitor
from tests.paths import DISTRICT
from tools.make_synthetic_returns import MARK, fill

#: Tasks led by 区交通局 (32, 33, 35, 36: no year of their own; 34: 2025; 58: 2022) and by
#: 区林业局 (task 11, 12 …) in the district plan.
TRANSPORT, FORESTRY = "区交通局", "区林业局"


@pytest.fixture(scope="module")
def books(built_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("books")
    inputs = rq.load_inputs(built_data, DISTRICT.indicator_owners)
    rq.write_requests(inputs, out, plan_id=DISTRICT.id, plan_title=DISTRICT.title,
                      period=(2022, 2025), as_of="2026-10-31", base_year=2020, cycle_days=183,
                      log=lambda *_: None)
    return out


def run_with(built_data: Path, tmp: Path, progress_dir: Path, as_of: str | None = None) -> Path:
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    for name in contract.CLEAN_FILES:
        if (built_data / name).exists():
            shutil.copy(built_data / name, data / name)
    monitor.run(DISTRICT, data, as_of=as_of, log=lambda *_: None, progress=progress_dir)
    return data


def read(data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data / name, keep_default_na=False, na_values=[""])


def led_by(built_data: Path, unit: str) -> list[int]:
    t = pd.read_csv(built_data / contract.TASKS)
    return [int(i) for i in t.loc[t["lead_unit"] == unit, "task_id"]]


def test_shipped_data_every_department_unranked_and_owing(built_data) -> None:
    us = read(built_data, contract.UNIT_STATUS)
    assert list(us.columns[:16]) == contract.REQUIRED_COLUMNS[contract.UNIT_STATUS]
    assert us["rank"].isna().all() and (us["submission"] == "missing").all()
    assert (us["grey"] == us["lead_tasks"]).all()
    assert "全区各级各部门" not in set(us["unit"])           # a collective: no row, no rank
    assert us["owes"].str.len().gt(0).all()
    th = read(built_data, contract.TASK_HISTORY)
    assert list(th.columns[:6]) == contract.REQUIRED_COLUMNS[contract.TASK_HISTORY]
    assert set(th["status"]) == {"no_report"} and len(th) == 97
    tg = read(built_data, contract.TARGET_HISTORY)
    assert list(tg.columns[:6]) == contract.REQUIRED_COLUMNS[contract.TARGET_HISTORY]
    ts = read(built_data, contract.TASK_STATUS).set_index("task_id")
    assert bool(ts.loc[75, "shared_duty"]) and "共同承担" in ts.loc[75, "rule"]


def test_light_rules_open_ended_standing_and_blue() -> None:
    f = progress.task_facts
    import datetime as dt

    day, start = dt.date(2026, 11, 25), dt.date(2022, 1, 1)
    # no year of its own, after the period: 推进中 / 常态化推进 stay green, 未启动 yellow
    assert progress.task_light(f("in_progress", None, 2025, start, day, 30, 183)).light == "green"
    assert progress.task_light(f("standing", None, 2025, start, day, 30, 183)).light == "green"
    assert progress.task_light(f("not_started", None, 2025, start, day, 30, 183)).light == "yellow"
    # a stated year passed undone: red; due within the next cycle: blue; 滞后: red
    assert progress.task_light(f("in_progress", 2025, 2025, start, day, 30, 183)).light == "red"
    assert progress.task_light(f("in_progress", 2026, 2026, start, day, 30, 183)).light == "blue"
    assert progress.task_light(f("delayed", None, 2025, start, day, 30, 183)).light == "red"
    text = progress.light_rule_text(183, 2025)
    assert "蓝灯" in text and "不因规划期结束而亮红灯" in text


def test_round_folders_traditional_words_late_rows_and_bad_names(books, built_data, tmp_path
                                                                 ) -> None:
    p = tmp_path / "progress"
    fill(books / f"{TRANSPORT}.xlsx", p / "2026-10" / f"{TRANSPORT}_合成_synthetic.xlsx",
         tasks={32: {"status": "推進　中", "report_date": "2026-11-03"},   # 繁体, full-width space
                33: {"status": "常態化推進", "report_date": "2026-10-20"},
                35: {"status": "持续推进", "report_date": "2026-10-20"}})
    fill(books / f"{FORESTRY}.xlsx", p / "第二轮" / f"{FORESTRY}_合成_synthetic.xlsx",
         tasks={11: {"status": "推进中", "report_date": "2026-10-08"}})
    data = run_with(built_data, tmp_path, p, as_of="2026-11-25")
    ret = read(data, contract.RETURNS)
    ok = ret[ret["unit"] == TRANSPORT].set_index("task_id")
    assert ok["accepted"].all() and set(ok["round"]) == {"2026-10"}
    assert ok.loc[32, "status"] == "in_progress" and bool(ok.loc[32, "late"])   # after 10-31
    assert "逾期报送" in ok.loc[32, "message"]
    assert ok.loc[33, "status"] == "standing" and ok.loc[35, "status"] == "standing"
    bad = ret[ret["file"].str.startswith("第二轮/")]
    assert len(bad) == 1 and not bad["accepted"].any()
    assert "轮次文件夹“第二轮”的名称不是日期" in bad["message"].iloc[0]
    q = json.loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    assert q["returns"]["bad_rounds"][0]["folder"] == "第二轮"
    us = read(data, contract.UNIT_STATUS).set_index("unit")
    assert us.loc[TRANSPORT, "submission"] == "late"


def test_default_as_of_is_the_latest_round(books, built_data, tmp_path) -> None:
    p = tmp_path / "progress"
    fill(books / f"{TRANSPORT}.xlsx", p / "2026-12-31" / f"{TRANSPORT}_合成_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2026-12-01"}})
    data = run_with(built_data, tmp_path, p)
    q = json.loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    assert q["as_of"] == "2026-12-31" and q["round"]["current"] == "2026-12-31"
    # a dated snapshot before the round leaves it for later, never refuses it
    snap = tmp_path / "snap"
    snap.mkdir()
    data2 = run_with(built_data, snap, p, as_of="2026-11-25")
    assert read(data2, contract.RETURNS).empty
    q2 = json.loads((data2 / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    assert q2["returns"]["later_rounds"][0]["round"] == "2026-12-31"


def test_two_returns_in_one_round_later_date_wins_same_date_refused(books, built_data, tmp_path
                                                                    ) -> None:
    p = tmp_path / "progress"
    book = books / f"{TRANSPORT}.xlsx"
    fill(book, p / "2026-10-31" / "a_合成_synthetic.xlsx",
         tasks={32: {"status": "滞后", "report_date": "2026-10-10"},
                33: {"status": "推进中", "report_date": "2026-10-10"}})
    fill(book, p / "2026-10-31" / "b_合成_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2026-10-20"},
                33: {"status": "未启动", "report_date": "2026-10-10"}})
    # the later file time must not decide: touch a so that it is the newest file
    (p / "2026-10-31" / "a_合成_synthetic.xlsx").touch()
    data = run_with(built_data, tmp_path, p)
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    assert ts.loc[32, "status"] == "in_progress"            # the later 填报日期
    assert ts.loc[33, "status"] == "no_report"              # same date, disagreeing: refused
    ret = read(data, contract.RETURNS)
    r33 = ret[ret["task_id"] == 33]
    assert len(r33) == 2 and not r33["accepted"].any()
    assert all("同一填报日期 2026-10-10 而内容不同" in m for m in r33["message"])
    assert any("b_合成_synthetic.xlsx 重点任务!F" in m for m in r33["message"])
    q = json.loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    res = {c["task_id"]: c["resolution"] for c in q["returns"]["round_conflicts"]}
    assert res == {32: "取填报日期较晚的一份", 33: "同日内容不同，均退回"}
    assert MARK  # the fill tool marks every text cell 合成测试数据
