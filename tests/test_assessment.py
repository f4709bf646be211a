"""The report side of the follow-up: the end-of-period assessment (with the leader summary)
and a department page, built through papermill on the district's data with SYNTHETIC returns
(tools/make_synthetic_returns.py: file names say 'synthetic', text cells 合成测试数据)."""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

import pandas as pd
import pytest

from greenlib import contract
from greenlib.monitor import requests as rq
from greenlib.report import build
from greenlib.report import helpers as rh
from greenlib.report import progress as pg
from tests.paths import DISTRICT
from tests.test_returns import run_with
from tools.make_synthetic_returns import MARK, fill

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    req = tmp_path_factory.mktemp("req")
    inputs = rq.load_inputs(built_data, DISTRICT.indicator_owners)
    rq.write_requests(inputs, req, plan_id=DISTRICT.id, plan_title=DISTRICT.title,
                      period=(2022, 2025), as_of=DISTRICT.as_of, base_year=2020, cycle_days=183,
                      log=lambda *_: None)
    progress = tmp_path_factory.mktemp("progress")
    fill(req / "区交通局.xlsx", progress / "区交通局_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2026-10-08"},
                34: {"status": "已完成", "evidence": f"{MARK}：验收文件", "report_date": "2026-10-08"},
                58: {"status": "滞后", "report_date": "2026-10-08"},
                59: {"status": "已完成", "report_date": "2026-10-08"}},  # no evidence: refused
         targets=[{"target_id": "T27", "year": 2022, "value": 55}])
    return run_with(built_data, tmp_path_factory.mktemp("run"), progress)


def _text(page: str) -> str:
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html_mod.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_views_follow_the_returns(data: Path) -> None:
    s = rh.scope(None, data_dir=data)
    tasks = pg.task_progress_table(s).set_index("编号")
    assert tasks.loc[34, "进展状态"] == "已完成" and tasks.loc[34, "信号灯"] == "绿灯"
    assert tasks.loc[58, "进展状态"] == "滞后" and tasks.loc[58, "信号灯"] == "红灯"
    assert tasks.loc[59, "进展状态"] == "未填报"  # the refused row did not count
    card = pg.unit_scorecard(s).set_index("单位")
    # issue 16: task 32 (no year of its own, 推进中) is no longer red; 58 (滞后) is
    assert card.loc["区交通局", "已完成"] == 1 and card.loc["区交通局", "红灯"] >= 1
    # the ranking puts units with red lights first
    assert pg.unit_scorecard(s).iloc[0]["红灯"] >= card["红灯"].max()
    summary = pg.leader_summary(s)
    assert summary["tasks"]["delivered"] == 1 and summary["tasks"]["total"] == 97
    assert summary["targets"]["delivered"] == 2  # T06 (public) and T27 (department)
    found = pg.problems(s)
    assert "区交通局" in set(found["refused"]["单位"])
    assert 58 in set(found["red_tasks"]["编号"])
    groups = pg.target_groups(s).set_index("类别")["目标数"]
    assert groups.sum() == 34


def test_assessment_and_department_page(data: Path, tmp_path: Path) -> None:
    paths = build.Paths(params=DISTRICT.params, data=data, root=tmp_path)
    reports, problems = build.load_reports(paths)
    assert not problems
    by = {r.name: r for r in reports}
    # one department page per responsible unit (36 in the annex)
    units = pd.read_csv(data / contract.UNITS)["unit"]
    assert {f"units/{u}" for u in units} <= set(by)
    for name in ("assessment", "units/区交通局"):
        res = build.build_report(by[name], paths, pdf=False, docx=False)
        assert res.ok, res.error
    page = _text((paths.site / "assessment.html").read_text(encoding="utf-8"))
    for heading in ("领导摘要", "一、总体情况", "二、主要指标完成情况", "三、重点任务推进情况",
                    "四、存在问题及原因", "五、下一步工作建议", "提前实现", "基本符合预期"):
        assert heading in page, heading
    assert re.search(r"重点任务 97 项\s*：已完成 1 项", page)
    assert "佐证材料" in page and "区交通局_synthetic.xlsx" in page  # the refused row, named
    assert "recommendations.md" in page  # the placeholder says where the analysts' text goes
    unit = _text((paths.site / "units" / "区交通局.html").read_text(encoding="utf-8"))
    for heading in ("一、承担的重点任务", "五、负责的量化目标", "六、尚欠事项", "八、在全部责任单位中的位置"):
        assert heading in unit
    assert "牵头" in unit and "配合" in unit and "红灯" in unit and "排第" in unit
    assert "{'plan'" not in unit and "{'plan'" not in page  # no raw dict shown


def test_overview_and_sector_tables_show_lead_unit_and_light(data: Path) -> None:
    sector = rh.scope(None, data_dir=data).tasks.set_index("task_id").loc[58, "sector"]
    tasks = rh.task_table(rh.scope(sector, data_dir=data)).set_index("编号")
    assert {"牵头单位", "进展", "信号灯"} <= set(tasks.columns)
    assert tasks.loc[58, "进展"] == "滞后" and tasks.loc[58, "信号灯"] == "红灯"
    targets = rh.target_table(rh.scope(None, data_dir=data)).set_index("编号")
    assert {"责任单位", "信号灯"} <= set(targets.columns)
    assert targets.loc["T27", "信号灯"] == "绿灯" and targets.loc["T27", "责任单位"] == "区交通局"
    # the assessment's 附表一 points back to the plan's own words
    t1 = pg.target_progress_table(rh.scope(None, data_dir=data)).set_index("编号")
    assert "公交优先道" in t1.loc["T27", "方案原文"] and "任务 58" in t1.loc["T27", "方案原文"]
