"""The assessment (评估报告) and the department pages, built through papermill on the district's
data with SYNTHETIC returns (tools/make_synthetic_returns.py: file names say 'synthetic',
text cells 合成测试数据); and the rule that no leader-facing output talks like a machine."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from greenlib import contract
from greenlib import plan as plan_mod
from greenlib.monitor import requests as rq
from greenlib.report import build, site
from greenlib.report import helpers as rh
from greenlib.report import progress as pg
from tests.helpers import run_with
from tests.leader_text import docx_text, html_text, machine_talk, quoted_words
from tests.paths import DISTRICT
from tools.make_synthetic_returns import MARK, fill

pytestmark = pytest.mark.e2e


def _returns(built_data: Path, folder: Path) -> Path:
    req = folder / "req"
    inputs = rq.load_inputs(built_data, DISTRICT.indicator_owners)
    rq.write_requests(inputs, req, plan_id=DISTRICT.id, plan_title=DISTRICT.title,
                      period=(2022, 2025), as_of=DISTRICT.as_of, base_year=2020, cycle_days=183,
                      log=lambda *_: None)
    progress = folder / "progress"
    progress.mkdir()
    fill(req / "区交通局.xlsx", progress / "区交通局_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2026-10-08"},
                34: {"status": "已完成", "evidence": f"{MARK}：验收文件", "report_date": "2026-10-08"},
                58: {"status": "滞后", "progress": f"{MARK}：征地未完成", "report_date": "2026-10-08"},
                59: {"status": "已完成", "report_date": "2026-10-08"}},  # no evidence: refused
         targets=[{"target_id": "T27", "year": 2022, "value": 55}])
    return progress


@pytest.fixture(scope="module")
def progress(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _returns(built_data, tmp_path_factory.mktemp("returns"))


@pytest.fixture(scope="module")
def data(built_data: Path, progress: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_with(built_data, tmp_path_factory.mktemp("run"), progress)


@pytest.fixture(scope="module")
def site_paths(data: Path, tmp_path_factory: pytest.TempPathFactory) -> build.Paths:
    """The assessment, a department page, the overview and a sector report, HTML and Word."""
    paths = build.Paths(params=DISTRICT.params, data=data, root=tmp_path_factory.mktemp("site"))
    reports, problems = build.load_reports(paths)
    assert not problems
    by = {r.name: r for r in reports}
    for name in ("assessment", "units/区交通局", "overview", "agriculture"):
        res = build.build_report(by[name], paths, pdf=False, docx=True)
        assert res.ok, res.error
    return paths


def _heads(raw: str) -> list[str]:
    """The page's h2 headings in order (scripts and styles left out)."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S | re.I)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", raw, re.S)]


def _page(paths: build.Paths, name: str) -> str:
    return (paths.site / f"{name}.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the numbers


def _conclusion(status: str, year: object, ratio: object, as_of: str) -> str:
    """The 评估结论 recomputed from status.csv alone (the review's rules, written again)."""
    passed = not pd.isna(year) and dt.date(int(year), 12, 31) < dt.date.fromisoformat(as_of)
    if status == "achieved":
        return "基本符合预期" if passed else "提前实现"
    if status == "on_track":
        return "快于预期" if not pd.isna(ratio) and float(ratio) >= 1.2 else "基本符合预期"
    return {"off_track": "滞后", "overdue": "未实现"}.get(status, "暂无数据")


def _expected(data: Path) -> dict[str, dict[str, int]]:
    st = pd.read_csv(data / contract.STATUS, keep_default_na=False, na_values=[""])
    ts = pd.read_csv(data / contract.TASK_STATUS, keep_default_na=False, na_values=[""])
    as_of = str(st["as_of"].iloc[0])
    conc = pd.Series([_conclusion(s, y, r, as_of) for s, y, r in
                      zip(st["status"], st["target_year"], st["progress_ratio"], strict=True)])
    status_word = {"completed": "已完成", "in_progress": "推进中", "delayed": "滞后",
                   "not_started": "未启动"}
    light_word = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯"}
    return {
        "targets": {"total": len(st), **conc.value_counts().to_dict()},
        "tasks": {"total": len(ts), "reported": int((ts["status"] != "no_report").sum()),
                  "unreported": int((ts["status"] == "no_report").sum()),
                  **ts["status"].map(status_word).value_counts().to_dict()},
        "lights": ts["light"].map(light_word).value_counts().to_dict(),
    }


def _pairs(text: str) -> dict[str, int]:
    return {w: int(n) for w, n in re.findall(r"([\u4e00-\u9fff]+) (\d+) 项", text)}


def test_counts_printed_agree_with_the_contract_files(data: Path, site_paths: build.Paths) -> None:
    want = _expected(data)
    page = html_text(_page(site_paths, "assessment"))
    overall = page.split("一、总体评价", 2)[-1].split("二、主要成效")[0]
    targets = re.search(r"(\d+) 项量化目标中，(.*?)。", overall)
    assert targets and int(targets.group(1)) == want["targets"]["total"]
    printed = _pairs(targets.group(2))
    assert set(printed) == {"提前实现", "快于预期", "基本符合预期", "滞后", "未实现", "暂无数据"}
    for word, n in printed.items():
        assert n == want["targets"].get(word, 0), word
    tasks = re.search(r"(\d+) 项重点任务中，牵头单位报送了进展的 (\d+) 项，未报送的 (\d+) 项"
                      r"；按报送的进展状态：(.*?)。信号灯：(.*?)。", overall)
    assert tasks, overall
    assert [int(tasks.group(i)) for i in (1, 2, 3)] == [
        want["tasks"]["total"], want["tasks"]["reported"], want["tasks"]["unreported"]]
    for word, n in _pairs(tasks.group(4)).items():
        assert n == want["tasks"].get(word, 0), word
    for word, n in _pairs(tasks.group(5)).items():
        assert n == want["lights"].get(word, 0), word
    assert want["tasks"]["已完成"] == 1 and want["tasks"]["推进中"] == 1  # the synthetic returns
    # 三、存在问题 counts the same red lights, and lists task 58 with its unit's own words
    problems = page.split("三、存在问题", 2)[-1].split("附表")[0]
    assert f"亮红灯的重点任务 {want['lights'].get('红灯', 0)} 项" in problems
    assert "征地未完成" in problems
    # the summary table is where these came from
    summary = pd.read_csv(data / contract.SUMMARY)
    got = summary.set_index(["measure", "key"])["n"]
    assert got[("task_status", "completed")] == 1 and got[("returns", "refused")] == 1


def test_views_follow_the_returns(data: Path) -> None:
    s = rh.scope(None, data_dir=data)
    tasks = pg.task_progress_table(s).set_index("编号")
    assert tasks.loc[34, "进展状态"] == "已完成" and tasks.loc[34, "信号灯"] == "绿灯"
    assert tasks.loc[58, "进展状态"] == "滞后" and tasks.loc[58, "信号灯"] == "红灯"
    assert tasks.loc[59, "进展状态"] == "未填报"  # the refused row did not count
    card = pg.unit_scorecard(s).set_index("单位")
    assert card.loc["区交通局", "已完成"] == 1 and card.loc["区交通局", "红灯"] >= 1  # issue 16: task 32 (no year of its own) is no longer red


def test_data_version_moves_with_a_return(built_data: Path, data: Path, tmp_path: Path) -> None:
    empty = tmp_path / "progress"
    empty.mkdir()
    again = run_with(built_data, tmp_path, empty)
    # the same inputs read from other folders: the same version; one return more: another
    assert build.data_version(again) == build.data_version(built_data)
    assert build.data_version(data) != build.data_version(built_data)


# --------------------------------------------------------------------------- the report


def test_assessment_has_the_form_of_a_review(site_paths: build.Paths) -> None:
    raw = _page(site_paths, "assessment")
    page = html_text(raw)
    body = page.split("附表3 报送情况", 1)[-1]  # after the contents list
    # cover first (marking, 编制单位 from plan.yaml: the issuer by default, the date)
    assert "内部资料" in page and "编制单位：重庆市黔江区人民政府" in page
    cover = page.split("一、总体评价")[0]
    assert "终期评估报告" in cover  # as of 2026-11-25, after the 2022–2025 period
    heads = _heads(raw)
    assert heads == ["一、总体评价", "二、主要成效", "三、存在问题", "附表"], heads
    for a, b in [("附表1 主要指标完成情况表", "附表2 重点任务完成情况表"),
                 ("附表2 重点任务完成情况表", "附表3 报送情况")]:
        assert body.index(a) < body.index(b)
    # no recommendations written: section 四 is left out, never a placeholder
    assert "下一步工作建议" not in page and "本节由分析人员撰写" not in page
    assert raw.count('class="gp-chart') >= 2
    table1 = re.search(r"<h3[^>]*>附表1 主要指标完成情况表.*?<thead><tr>(.*?)</tr>", raw, re.S)
    assert table1
    header = re.findall(r"<th\b[^>]*>(.*?)</th>", table1.group(1))
    assert header == ["序号", "指标", "单位", "属性", "基期值（年份）", "目标值（年份）", "历年实际值",
                      "最新值", "完成进度（%）", "评估结论", "责任单位", "数据来源"]
    # one vocabulary: the review's categories, never the rating words, in the report's text
    assert "已实现" not in body and "数据不足" not in body
    # a rating on a 2023 figure says how old it is; the assigned headline goal is 待补充
    assert re.search(r"355（2023年），数据距评估日已 3 年", page)
    assert "完成市上下达的单位GDP能耗和二氧化碳排放下降率目标任务" in page and "待补充（尚无下达数值）" in page
    # the refused return row is counted for its unit; the file itself is not named
    assert "区交通局_synthetic.xlsx" not in page


def test_department_page(site_paths: build.Paths) -> None:
    unit = html_text(_page(site_paths, "units/区交通局"))
    for heading in ("一、承担的重点任务", "五、负责的量化目标", "六、尚欠事项", "八、在全部责任单位中的位置"):
        assert heading in unit
    assert "牵头" in unit and "配合" in unit and "红灯" in unit and "排第" in unit
    assert "{'plan'" not in unit


def test_recommendations_come_from_the_analysts_file(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    (copy / contract.RECOMMENDATIONS).write_text("加快建立数据报送机制（合成测试文字）。\n",
                                                 encoding="utf-8")
    paths = build.Paths(params=DISTRICT.params, data=copy, root=tmp_path / "site")
    reports, _ = build.load_reports(paths)
    res = build.build_report(next(r for r in reports if r.name == "assessment"), paths,
                             pdf=False, docx=False)
    assert res.ok, res.error
    raw = _page(paths, "assessment")
    heads = _heads(raw)
    assert heads == ["一、总体评价", "二、主要成效", "三、存在问题", "四、下一步工作建议", "附表"]
    assert "加快建立数据报送机制（合成测试文字）" in html_text(raw)


def test_mid_term_title_before_the_period_ends(built_data: Path, tmp_path: Path) -> None:
    empty = tmp_path / "progress"
    empty.mkdir()
    data = run_with(built_data, tmp_path, empty, as_of="2024-06-30")
    paths = build.Paths(params=DISTRICT.params, data=data, root=tmp_path / "site")
    reports, _ = build.load_reports(paths)
    res = build.build_report(next(r for r in reports if r.name == "assessment"), paths,
                             pdf=False, docx=False)
    assert res.ok, res.error
    cover = html_text(_page(paths, "assessment")).split("一、总体评价")[0]
    assert "中期评估报告" in cover and "终期" not in cover


# --------------------------------------------------------------------------- two audiences


def _allowed(data: Path) -> set[str]:
    version = build.data_version(data)
    return quoted_words(data) | set(re.findall(r"[A-Za-z][A-Za-z0-9]*", version))


def test_leader_outputs_carry_no_machine_talk(data: Path, site_paths: build.Paths) -> None:
    allowed = _allowed(data)
    for name in ("assessment", "units/区交通局", "overview", "agriculture"):
        found = machine_talk(html_text(_page(site_paths, name)), allowed)
        assert not found, f"{name}.html: {found[:10]}"
        found = machine_talk(docx_text(site_paths.site / "docx" / f"{name}.docx"), allowed)
        assert not found, f"{name}.docx: {found[:10]}"


def test_municipal_leader_outputs_carry_no_machine_talk(built_data: Path, tmp_path: Path) -> None:
    municipal = plan_mod.load(DISTRICT.parent)
    data = municipal.build().data  # built beside the district's (tests/conftest.py)
    paths = build.Paths(params=municipal.params, data=data, root=tmp_path)
    reports, _ = build.load_reports(paths)
    allowed = _allowed(data)
    for r in reports:
        if r.name not in ("assessment", "overview"):
            continue
        res = build.build_report(r, paths, pdf=False, docx=True)
        assert res.ok, res.error
        found = machine_talk(html_text(_page(paths, r.name)), allowed)
        found += machine_talk(docx_text(paths.site / "docx" / f"{r.name}.docx"), allowed)
        assert not found, f"{r.name}: {found[:10]}"


def test_the_scan_can_fail() -> None:
    bad = "可核对原件后在 reference/corrections.yaml 中用 replace 改正；红灯（deadline_passed）；make report"
    found = " ".join(machine_talk(bad))
    for word in ("corrections.yaml", "deadline_passed", "make report", "replace"):
        assert word in found
    assert machine_talk("单位GDP能耗下降、PM2.5 浓度、任务 T06") == []


def test_analysts_page_holds_what_leaders_do_not_read(built_data: Path, data: Path,
                                                     tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    shutil.copy(built_data / "quality.md", copy / "quality.md")  # the clean stage's report
    page = html_text(site.quality_page(copy) or "")
    assert "reference/corrections.yaml" in page and "recommendations.md" in page
    assert "reference/sectors.csv" in page and "区交通局_synthetic.xlsx" in page
    # a field the clean stage records as {'indicator': '…'} reads as words (issue 20)
    assert "{'" not in page and "指标“" in page


def test_a_goal_assigned_from_above_is_assessed_once_its_number_and_a_figure_exist(
        built_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / DISTRICT.id
    shutil.copytree(DISTRICT.folder, folder, ignore=shutil.ignore_patterns("progress"))
    indicator = "合成测试单位地区生产总值能耗累计下降率"
    (folder / "reference" / "assigned_targets.csv").write_text(
        "goal_id,indicator,comparator,value,unit,year,assigned_by,reviewed_by\n"
        f"G01,{indicator},>=,14,%,2025,合成测试：上级下达文件,合成测试\n", encoding="utf-8")
    (folder / "monitoring" / "synthetic_assigned.csv").write_text(
        "indicator,geo,year,value,unit,source_title,source_url,quote\n"
        f"{indicator},{DISTRICT.geo},2024,15,%,合成测试数据,,合成测试数据\n", encoding="utf-8")
    plan = plan_mod.Plan(DISTRICT.id, folder, dict(DISTRICT.settings))
    data = tmp_path / "data"
    data.mkdir()
    for name in contract.CLEAN_FILES:
        if (built_data / name).exists():
            shutil.copy(built_data / name, data / name)
    from greenlib.monitor import run as monitor

    monitor.run(plan, data, log=lambda *_: None, progress=tmp_path / "no-returns")
    meta = __import__("json").loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    (goal,) = meta["assigned_goals"]
    assert goal["goal_id"] == "G01" and not goal["pending"]
    assert goal["numbers"][0]["conclusion"] == "as_expected"  # 15 ≥ 14 by 2024, year 2025 over
    status = pd.read_csv(data / contract.STATUS)
    assert len(status) == 34 and not status["target_id"].astype(str).str.startswith("G").any()
    got = pd.read_csv(data / contract.SUMMARY).set_index(["measure", "key"])["n"]
    assert got[("assigned_goals", "rated")] == 1 and got[("assigned_goals", "pending")] == 0
    s = rh.scope(None, data_dir=data)
    from greenlib.report import assessment_issues as ai

    row = ai.assigned_goals(s).iloc[0]
    assert row["评估结论"] == "基本符合预期" and "不低于 14%" in row["下达目标"]


def test_build_says_in_one_line_when_the_recommendations_are_missing(
        built_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import tiny_report_set

    paths = tiny_report_set(tmp_path, built_data)
    shutil.copy(paths.notebooks / "tiny.ipynb", paths.notebooks / "assessment.ipynb")
    (paths.params / "alpha.yaml").write_text(
        "notebook: assessment\ntitle: 报告甲\nparameters:\n  word: 甲\n", encoding="utf-8")
    assert not (paths.data / contract.RECOMMENDATIONS).exists()
    assert build.run_reports(paths, jobs=1, only=["alpha"], pdf=False, docx=False) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "recommendations.md" in ln]
    assert len(lines) == 1 and "略去" in lines[0]
    (paths.data / contract.RECOMMENDATIONS).write_text("（合成测试）\n", encoding="utf-8")
    assert build.run_reports(paths, jobs=1, only=["alpha"], pdf=False, docx=False) == 0
    assert "recommendations.md" not in capsys.readouterr().out
