"""Department returns (issue 8, data side): request workbooks out, SYNTHETIC returns in,
validation with cell references, merging of rounds, task_status.csv and status.csv's owner
and light. Every return here is synthetic (tools/make_synthetic_returns.py): file names say
'synthetic', text cells say 合成测试数据; they live in temporary folders only."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from greenlib import contract, labels
from greenlib.__main__ import main
from greenlib.monitor import progress
from greenlib.monitor import requests as rq
from tests.helpers import district_requests, read, run_with
from tests.paths import DISTRICT
from tools.make_synthetic_returns import MARK, fill
from tools.make_synthetic_returns import main as synthetic_main

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = DISTRICT.as_of  # 2026-11-25 in plan.yaml


def _truth() -> dict[str, dict[int, str]]:
    """unit → {task id: role} from the hand-checked annex (first listed unit leads)."""
    out: dict[str, dict[int, str]] = {}
    with open(FIXTURES / "annex_truth.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for i, u in enumerate(x for x in r["units"].split(";") if x):
                out.setdefault(u, {})[int(r["task_id"])] = "lead" if i == 0 else "co"
    return out


@pytest.fixture(scope="module")
def requests_dir(built_data, tmp_path_factory) -> Path:
    return district_requests(built_data, tmp_path_factory.mktemp("requests"), AS_OF)


def returns_of(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / contract.RETURNS, dtype={"message": str, "cells": str},
                       keep_default_na=False, na_values=[""])


# --------------------------------------------------------------------------- requests out


def test_one_request_per_unit_named_in_chinese(requests_dir, built_data) -> None:
    units = set(pd.read_csv(built_data / contract.UNITS)["unit"])
    files = sorted(requests_dir.glob("*.xlsx"))
    # issue 16: the collective 全区各级各部门 gets no book (it was the 36th)
    assert len(files) == 35
    assert {f.stem for f in files} == units - {"全区各级各部门"}


def test_cli_writes_the_requests(built_data, tmp_path) -> None:
    assert main(["requests", "--plan", DISTRICT.id, "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.xlsx"))) == 35
    assert (tmp_path / "区林业局.xlsx").exists()


def test_task_rows_are_exactly_the_annex_listing(requests_dir) -> None:
    truth = _truth()
    assert len(truth) == 36
    role_word = {v: k for k, v in labels.ROLE.items()}
    for unit, tasks in truth.items():
        if unit == "全区各级各部门":   # a collective: no book (issue 16)
            assert not (requests_dir / f"{unit}.xlsx").exists()
            continue
        ws = load_workbook(requests_dir / f"{unit}.xlsx")[rq.TASK_SHEET]
        got = {int(r[0]): role_word[r[2]] for r in ws.iter_rows(min_row=2, values_only=True)
               if r[0] is not None}
        assert got == tasks, unit


def test_target_rows_follow_task_leads_and_indicator_owners(requests_dir, built_data) -> None:
    truth = _truth()
    lead = {t: u for u, ts in truth.items() for t, r in ts.items() if r == "lead"}
    with open(DISTRICT.indicator_owners, encoding="utf-8") as f:
        owners = {r["indicator"]: r["owner_unit"] for r in csv.DictReader(f)}
    targets = pd.read_csv(built_data / contract.TARGETS, dtype=str, keep_default_na=False)
    expected: dict[str, set[str]] = {}
    for t in targets.itertuples():
        ids = [int(i) for i in t.task_ids.split(";") if i]
        units = {lead[i] for i in ids if i in lead} if ids else {owners[t.indicator]}
        for u in units:
            expected.setdefault(u, set()).add(t.target_id)
    # every target is asked of somebody; the main targets without a task of their owner
    assert set().union(*expected.values()) == set(targets["target_id"])
    assert expected["区林业局"] == {"T05"} and "T06" in expected["区生态环境局"]
    for f in requests_dir.glob("*.xlsx"):
        ws = load_workbook(f)[rq.TARGET_SHEET]
        got = {r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
        assert got == expected.get(f.stem, set()), f.stem
        header = [c.value for c in ws[1]]
        assert header[:6] == ["目标编号", "指标", "目标值", "单位", "比较方式", "目标年份"]
        assert header[6:10] == ["年份", "数值", "来源", "备注"]


def test_indicator_owners_are_marked_as_analyst_assignments() -> None:
    rows = list(csv.DictReader(open(DISTRICT.indicator_owners, encoding="utf-8")))
    assert {r["indicator"] for r in rows} >= {"森林覆盖率", "空气质量优良天数", "工业固废综合利用率"}
    assert all("待确认" in r["note"] and r["reviewed_by"] for r in rows)


def test_workbook_as_excel_shows_it(requests_dir) -> None:
    wb = load_workbook(requests_dir / "区交通局.xlsx")
    assert wb.sheetnames[:3] == [rq.TASK_SHEET, rq.TARGET_SHEET, rq.HELP_SHEET]
    ws = wb[rq.TASK_SHEET]
    assert [c.value for c in ws[1]] == ["任务编号", "任务内容", "角色", "牵头单位", "目标年份",
                                        "进展状态", "进展说明", "佐证材料", "填报日期",
                                        "上期信号灯及原因", "整改措施", "责任人", "整改时限"]
    # given columns grey and locked, fill-in columns yellow and unlocked; protection on
    # (整改措施/责任人/整改时限 open only on a red item's row: none in a first round)
    assert ws.protection.sheet and not ws.protection.password
    for cell in ws[2]:
        fill_in = 6 <= cell.column <= 9
        assert cell.protection.locked is (not fill_in), cell.coordinate
        assert cell.fill.fgColor.rgb.endswith(rq.YELLOW if fill_in else rq.GREY)
    # the dropdown: exactly the five words (常态化推进 added by issue 16), over every task row
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"已完成,推进中,常态化推进,滞后,未启动"'
    assert str(dv.sqref) == f"F2:F{ws.max_row}"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 50 and ws["B2"].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    wt = wb[rq.TARGET_SHEET]
    assert wt.freeze_panes == "A2" and wt.protection.sheet
    assert not wt["G2"].protection.locked and wt["A2"].protection.locked
    # spare rows at the end: 目标编号 may be written there for another year
    assert not wt.cell(row=wt.max_row, column=1).protection.locked
    meta = wb[rq.META_SHEET]
    assert meta.sheet_state == "hidden"
    kv = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert kv["plan_id"] == DISTRICT.id and kv["unit"] == "区交通局"
    help_text = "\n".join(str(r[0]) for r in wb[rq.HELP_SHEET].iter_rows(values_only=True))
    assert "填报单位：区交通局" in help_text and "佐证材料" in help_text


# --------------------------------------------------------------------------- shipped data


def test_shipped_data_every_task_unreported_with_public_evidence(built_data) -> None:
    ts = read(built_data, contract.TASK_STATUS)
    assert list(ts.columns[:9]) == contract.REQUIRED_COLUMNS[contract.TASK_STATUS]
    assert len(ts) == 97
    assert set(ts["status"]) == {"no_report"} and set(ts["light"]) == {"grey"}
    ev = ts.set_index("task_id")["public_evidence"].dropna()
    assert set(ev.index) == {3, 12, 69, 77}
    assert "绿色工厂3家" in ev[3]
    assert returns_of(built_data).empty
    st = read(built_data, contract.STATUS)
    n = len(contract.REQUIRED_COLUMNS[contract.STATUS])
    assert list(st.columns[n:n + 2]) == ["light", "owner_unit"]
    assert st["owner_unit"].notna().all()
    own = st.set_index("target_id")
    assert own.loc["T05", "owner_unit"] == "区林业局"      # indicator owner
    assert own.loc["T22", "owner_unit"] == "区交通局"      # lead of task 34
    assert own.loc["T06", "light"] == "green" and own.loc["T01", "light"] == "grey"
    q = json.loads((built_data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    assert q["returns"]["rows"] == 0 and q["targets_without_owner"] == []
    assert "如何阅读信号灯" in q["light_rule_text"]


def test_task_evidence_rows_have_sources() -> None:
    ev = pd.read_csv(DISTRICT.reference / "task_evidence.csv", dtype=str, keep_default_na=False)
    assert list(ev.columns) == list(progress.EVIDENCE_COLUMNS)
    assert (ev["source_url"].str.startswith("http")).all() and (ev["reviewed_by"] != "").all()


# --------------------------------------------------------------------------- returns in


@pytest.fixture
def progress_dir(tmp_path) -> Path:
    d = tmp_path / "progress"
    d.mkdir()
    return d


def test_synthetic_returns_set_status_lights_and_ratings(requests_dir, built_data, tmp_path,
                                                          progress_dir) -> None:
    fill(requests_dir / "区交通局.xlsx", progress_dir / "区交通局_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2026-10-08"},
                34: {"status": "已完成", "evidence": f"{MARK}：验收文件", "report_date": "2026-10-08"},
                58: {"status": "滞后", "report_date": "2026-10-08"}},
         targets=[{"target_id": "T22", "year": 2024, "value": 97.5},
                  {"target_id": "T27", "year": 2022, "value": 55}])
    fill(requests_dir / "区住房城乡建委.xlsx", progress_dir / "synthetic_zhujian.xlsx",
         tasks={58: {"status": "推进中", "progress": f"{MARK}：配合单位说明",
                     "report_date": "2026-09-30"}})
    data = run_with(built_data, tmp_path, progress_dir)
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    # issue 16: task 32 names no year of its own; the period's end (2025) having passed does
    # not make 推进中 red (it was red before)
    assert ts.loc[32, "status"] == "in_progress" and ts.loc[32, "light"] == "green"
    assert ts.loc[34, "status"] == "completed" and ts.loc[34, "light"] == "green"
    assert ts.loc[34, "evidence"].startswith(MARK) and ts.loc[34, "report_date"] == "2026-10-08"
    assert ts.loc[58, "status"] == "delayed" and ts.loc[58, "reported_by"] == "区交通局"
    assert "区住房城乡建委（推进中，2026-09-30）" in ts.loc[58, "co_reports"]
    # a co unit's return never sets the status
    assert ts.loc[57, "status"] == "no_report"
    assert ts.loc[1, "light"] == "grey"
    st = read(data, contract.STATUS).set_index("target_id")
    assert st.loc["T22", "latest_value"] == 97.5 and st.loc["T22", "owner_unit"] == "区交通局"
    assert st.loc["T27", "status"] == "achieved" and st.loc["T27", "light"] == "green"
    assert st.loc["T22", "source_title"].startswith("区交通局填报（区交通局_synthetic.xlsx，")
    obs = read(data, contract.OBSERVATIONS)
    dept = obs[obs["source_kind"] == "department"]
    assert set(dept["target_id"]) == {"T22", "T27"} and dept["rated"].all()
    assert set(dept["geo"]) == {DISTRICT.geo}
    ret = returns_of(data)
    assert len(ret) == 6 and ret["accepted"].all() and ret["current"].all()


def test_every_validation_error_names_file_sheet_row_and_column(requests_dir, built_data,
                                                                tmp_path, progress_dir) -> None:
    name = "区交通局_synthetic_errors.xlsx"
    fill(requests_dir / "区交通局.xlsx", progress_dir / name,
         tasks={32: {"status": "完成了", "report_date": "2026-10-08"},          # not a status
                33: {"status": "已完成", "report_date": "2026-10-08"},          # no evidence
                34: {"status": "推进中", "report_date": "2099-01-05"},          # future
                35: {"status": "推进中", "report_date": "2021-05-01"},          # before the plan
                36: {"status": "推进中", "report_date": "2026-10-08"},          # good row
                1: {"status": "推进中", "report_date": "2026-10-08"}},          # not its task
         targets=[{"target_id": "T22", "year": 2024, "value": "九十"},          # not a number
                  {"target_id": "T25", "year": 2022, "value": "95万吨"},        # other unit
                  {"target_id": "T26", "year": 2022, "value": 85, "unit": "‰"},  # unit cell edited
                  {"target_id": "T14", "year": 2024, "value": 150},            # implausible %
                  {"target_id": "T05", "year": 2024, "value": 66},             # not its target
                  {"target_id": "T27", "year": 2022, "value": 60}])            # good row
    # a workbook whose unit cannot be told, one of another plan, an unreadable one, an .xls
    fill(requests_dir / "区林业局.xlsx", progress_dir / "synthetic_unknown.xlsx",
         tasks={11: {"status": "推进中", "report_date": "2026-10-08"}}, drop_meta=True)
    wb = load_workbook(progress_dir / "synthetic_unknown.xlsx")
    wb[rq.HELP_SHEET]["A2"] = "填报单位：（已删除）"
    wb.save(progress_dir / "synthetic_unknown.xlsx")
    fill(requests_dir / "区林业局.xlsx", progress_dir / "synthetic_other_plan.xlsx",
         tasks={11: {"status": "推进中", "report_date": "2026-10-08"}},
         meta={"plan_id": "another-plan"})
    (progress_dir / "synthetic_broken.xlsx").write_bytes(b"not a workbook " + MARK.encode())
    (progress_dir / "synthetic_old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    data = run_with(built_data, tmp_path, progress_dir)  # refusals never stop the build
    ret = returns_of(data)
    mine = ret[ret["file"] == name].set_index(["sheet", "row"])

    def msg(sheet: str, task_or_target: object) -> str:
        key = "task_id" if sheet == rq.TASK_SHEET else "target_id"
        rows = ret[(ret["file"] == name) & (ret["sheet"] == sheet) & (ret[key] == task_or_target)]
        assert len(rows) == 1, (sheet, task_or_target)
        r = rows.iloc[0]
        return f"{r['accepted']}|{r['message']}"

    ws = load_workbook(requests_dir / "区交通局.xlsx")[rq.TASK_SHEET]
    row_of = {r[0].value: r[0].row for r in ws.iter_rows(min_row=2) if r[0].value}
    assert f"False|重点任务!F{row_of[32]}: 进展状态“完成了”不在 已完成、推进中、常态化推进、滞后、未启动 之中" == \
        msg("重点任务", 32)
    assert f"重点任务!H{row_of[33]}: 填报“已完成”须写明佐证材料" in msg("重点任务", 33)
    assert f"重点任务!I{row_of[34]}: 填报日期 2099-01-05 晚于今天" in msg("重点任务", 34)
    assert "未来的日期" in msg("重点任务", 34)
    assert f"重点任务!I{row_of[35]}: 填报日期 2021-05-01 早于规划期开始（2022-01-01）" in \
        msg("重点任务", 35)
    assert msg("重点任务", 36).startswith("True|")
    extra = ws.max_row + 1
    assert f"False|重点任务!A{extra}: 区交通局不承担任务 1" in msg("重点任务", 1)
    wt = load_workbook(requests_dir / "区交通局.xlsx")[rq.TARGET_SHEET]
    trow = {r[0].value: r[0].row for r in wt.iter_rows(min_row=2) if r[0].value}
    assert f"量化目标!H{trow['T22']}: 数值“九十”" in msg("量化目标", "T22")
    assert f"量化目标!H{trow['T25']}: 数值“95万吨”：单位“万吨”与目标单位“%”不一致" in msg("量化目标", "T25")
    assert f"量化目标!D{trow['T26']}: 单位“‰”与目标单位“%”不一致" in msg("量化目标", "T26")
    assert f"量化目标!H{trow['T14']}: 数值“150”：数值不合常理" in msg("量化目标", "T14")
    assert "目标 T05 不由区交通局填报（应由 区林业局 填报）" in msg("量化目标", "T05")
    assert msg("量化目标", "T27").startswith("True|")
    assert len(mine) == 12 and int(mine["accepted"].sum()) == 2
    by_file = ret.groupby("file")
    assert "无法确定填报单位" in by_file.get_group("synthetic_unknown.xlsx")["message"].iloc[0]
    assert by_file.get_group("synthetic_unknown.xlsx")["row"].notna().all()  # its row is listed
    assert "规划 another-plan 的填报表" in by_file.get_group("synthetic_other_plan.xlsx")["message"].iloc[0]
    assert "无法作为 .xlsx 读取" in by_file.get_group("synthetic_broken.xlsx")["message"].iloc[0]
    assert "另存为 .xlsx" in by_file.get_group("synthetic_old.xls")["message"].iloc[0]
    assert not ret[ret["file"] != name]["accepted"].any()
    # refused rows are listed in monitor.json; the good rows still count
    q = json.loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    assert q["returns"]["refused"] == len(ret) - 2 == len(q["returns"]["refused_rows"])
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    assert ts.loc[36, "status"] == "in_progress" and ts.loc[32, "status"] == "no_report"
    st = read(data, contract.STATUS).set_index("target_id")
    assert st.loc["T27", "latest_value"] == 60 and pd.isna(st.loc["T22", "latest_value"])


def test_unit_told_by_file_name_when_meta_is_gone(requests_dir, built_data, tmp_path,
                                                  progress_dir) -> None:
    fill(requests_dir / "区林业局.xlsx", progress_dir / "第二轮_区林业局_synthetic.xlsx",
         tasks={11: {"status": "推进中", "report_date": "2026-10-08"}}, drop_meta=True)
    data = run_with(built_data, tmp_path, progress_dir)
    ret = returns_of(data)
    assert ret["accepted"].all() and set(ret["unit_basis"]) == {"文件名"}


def test_second_round_latest_wins_history_kept(requests_dir, built_data, tmp_path,
                                                progress_dir) -> None:
    (progress_dir / "2026-05").mkdir()
    fill(requests_dir / "区交通局.xlsx", progress_dir / "2026-05" / "区交通局_synthetic.xlsx",
         tasks={34: {"status": "推进中", "report_date": "2026-05-10"},
                32: {"status": "未启动", "report_date": "2026-05-10"}},
         targets=[{"target_id": "T22", "year": 2024, "value": 96, "report_date": "2026-05-10"}])
    # the second round is named so that it sorts first: the date decides, not the name
    fill(requests_dir / "区交通局.xlsx", progress_dir / "0_round2_synthetic.xlsx",
         tasks={34: {"status": "已完成", "evidence": f"{MARK}：验收", "report_date": "2026-10-20"}},
         targets=[{"target_id": "T22", "year": 2024, "value": 97.5, "report_date": "2026-10-20"}])
    data = run_with(built_data, tmp_path, progress_dir)
    ret = returns_of(data)
    assert ret["accepted"].all() and len(ret) == 5
    r34 = ret[ret["task_id"] == 34].set_index("report_date")
    assert bool(r34.loc["2026-10-20", "current"]) and not r34.loc["2026-05-10", "current"]
    assert r34.loc["2026-05-10", "superseded_by"].startswith("0_round2_synthetic.xlsx 重点任务!")
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    assert ts.loc[34, "status"] == "completed" and ts.loc[34, "n_reports"] == 2
    assert ts.loc[32, "status"] == "not_started"     # only in round 1: still current
    st = read(data, contract.STATUS).set_index("target_id")
    assert st.loc["T22", "latest_value"] == 97.5


def test_department_figure_disagreeing_with_public_is_shown_not_rated(
        requests_dir, built_data, tmp_path, progress_dir) -> None:
    # the public 2023 城区空气质量优良天数 is 355 (observed_stats.csv)
    fill(requests_dir / "区生态环境局.xlsx", progress_dir / "区生态环境局_synthetic.xlsx",
         targets=[{"target_id": "T06", "year": 2023, "value": 340, "report_date": "2026-10-01"}])
    data = run_with(built_data, tmp_path, progress_dir)
    st = read(data, contract.STATUS).set_index("target_id")
    assert st.loc["T06", "latest_value"] == 355 and st.loc["T06", "status"] == "achieved"
    obs = read(data, contract.OBSERVATIONS)
    d = obs[(obs["source_kind"] == "department") & (obs["target_id"] == "T06")].iloc[0]
    assert not d["rated"] and d["usage"] == "参考（同年有公开数据）" and "不一致" in d["why"]
    q = json.loads((data / contract.MONITOR_QUALITY).read_text(encoding="utf-8"))
    (c,) = q["returns"]["conflicts"]
    assert (c["target_id"], c["year"], c["department_value"], c["other_value"]) == \
        ("T06", 2023, 340.0, 355.0)


def test_lights_against_the_schedule(requests_dir, built_data, tmp_path, progress_dir) -> None:
    """As of mid-2024 the 2025 deadline has not passed: schedule and staleness decide."""
    fill(requests_dir / "区交通局.xlsx", progress_dir / "区交通局_synthetic.xlsx",
         tasks={32: {"status": "推进中", "report_date": "2024-06-01"},
                33: {"status": "未启动", "report_date": "2024-06-01"},   # 60 % of 2022–2025 gone
                35: {"status": "推进中", "report_date": "2023-06-01"},   # stale (> 183 days)
                36: {"status": "滞后", "report_date": "2024-06-01"}})
    data = run_with(built_data, tmp_path, progress_dir, as_of="2024-07-01")
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    assert ts.loc[32, "light"] == "green" and ts.loc[32, "light_code"] == "on_schedule"
    assert ts.loc[33, "light"] == "yellow" and ts.loc[33, "light_code"] == "behind_schedule"
    assert "落后于序时进度" in ts.loc[33, "rule"]
    # reasons are Chinese only: the codes stay in light_code
    assert not ts["rule"].str.contains(r"[A-Za-z_]{4,}", regex=True).any()
    assert ts.loc[35, "light"] == "yellow" and ts.loc[35, "stale"]
    assert ts.loc[36, "light"] == "red"


def test_light_rules_in_one_table() -> None:
    F = progress.Facts
    assert progress.task_light(F("no_report", True, 1.0, False)).light == "grey"
    assert progress.task_light(F("completed", True, 1.0, True)).light == "green"
    assert progress.task_light(F("in_progress", True, 1.0, False)).light == "red"
    assert progress.task_light(F("delayed", False, 0.1, False)).light == "red"
    assert progress.task_light(F("in_progress", False, 0.5, True)).light == "yellow"
    assert progress.task_light(F("not_started", False, 0.2, False)).light == "green"
    assert progress.task_light(F("not_started", False, 0.4, False)).light == "yellow"
    text = progress.light_rule_text(183, 2025)
    assert "183 天" in text and "三分之一" in text and "2025" in text
    assert all(labels.LIGHT[r.light] in text for r in progress.LIGHT_RULES)
    assert set(progress.TARGET_LIGHT) == set(contract.STATUSES)


def test_synthetic_tool_never_writes_into_plans(tmp_path) -> None:
    with pytest.raises(ValueError, match="synthetic"):
        fill(Path("x.xlsx"), tmp_path / "real.xlsx")
    assert synthetic_main(["--out", str(DISTRICT.progress)]) == 2
