"""The follow-up cycle (issue 16): rounds of returns, fair rankings, history, lights.

Every return here is SYNTHETIC (tools/make_synthetic_returns.py): file names say 'synthetic'
(合成), text cells say 合成测试数据; they live in temporary folders only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from greenlib import contract
from greenlib.monitor import books as bk
from greenlib.monitor import progress
from greenlib.monitor import requests as rq
from tests.helpers import district_requests, read, run_with
from tests.paths import DISTRICT
from tools.make_synthetic_returns import MARK, fill

#: Tasks led by 区交通局 (32, 33, 35, 36: no year of their own; 34: 2025; 58: 2022) and by
#: 区林业局 (task 11, 12 …) in the district plan.
TRANSPORT, FORESTRY = "区交通局", "区林业局"


@pytest.fixture(scope="module")
def books(built_data, tmp_path_factory) -> Path:
    return district_requests(built_data, tmp_path_factory.mktemp("books"), "2026-10-31")


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


# --------------------------------------------------------------------------- two rounds

HOUSING = "区住房城乡建委"   # co-unit of task 58 (led by 区交通局)


@pytest.fixture(scope="module")
def two_rounds(books, built_data, tmp_path_factory) -> dict[str, Path]:
    """Round 2026-06-30: 区交通局 reports every task it leads 滞后, 区林业局 every task 已完成
    (and one row for a task it does not carry: refused), 区住房城乡建委 a co-unit return.
    The next round's books are written from that run; round 2026-10-31 is 区交通局's round-2
    book with two rows changed (34 已完成, 32 推进中), the rest sent back as carried."""
    tmp = tmp_path_factory.mktemp("two_rounds")
    p = tmp / "progress"
    r1 = p / "2026-06-30"
    fill(books / f"{TRANSPORT}.xlsx", r1 / f"{TRANSPORT}_合成_synthetic.xlsx",
         tasks={t: {"status": "滞后", "report_date": "2026-06-20"}
                for t in led_by(built_data, TRANSPORT)})
    fill(books / f"{FORESTRY}.xlsx", r1 / f"{FORESTRY}_合成_synthetic.xlsx",
         tasks={**{t: {"status": "已完成", "evidence": f"{MARK}：验收文件",
                       "report_date": "2026-06-21"} for t in led_by(built_data, FORESTRY)},
                1: {"status": "推进中", "report_date": "2026-06-21"}})
    fill(books / f"{HOUSING}.xlsx", r1 / f"{HOUSING}_合成_synthetic.xlsx",
         tasks={58: {"status": "推进中", "progress": f"{MARK}：配合单位的说明",
                     "report_date": "2026-06-22"}})
    (tmp / "one").mkdir()
    data1 = run_with(built_data, tmp / "one", p)
    books2 = tmp / "books2"
    inputs = rq.load_inputs(data1, DISTRICT.indicator_owners)
    kw = dict(plan_id=DISTRICT.id, plan_title=DISTRICT.title, period=(2022, 2025),
              as_of="2026-10-31", base_year=2020, cycle_days=183, log=lambda *_: None,
              round_label="2026-10-31", previous=bk.load_previous(data1))
    rq.write_requests(inputs, books2, **kw)
    rq.write_requests(inputs, tmp / "books2_again", **kw)
    fill(books2 / f"{TRANSPORT}.xlsx", p / "2026-10-31" / f"{TRANSPORT}_合成_synthetic.xlsx",
         tasks={34: {"status": "已完成", "evidence": f"{MARK}：验收", "report_date": "2026-10-25"},
                32: {"status": "推进中", "report_date": "2026-10-25"}})
    (tmp / "two").mkdir()
    data2 = run_with(built_data, tmp / "two", p)
    return {"data1": data1, "data2": data2, "books2": books2, "again": tmp / "books2_again"}


def test_reporting_all_done_ranks_behind_last_silent_unranked(two_rounds) -> None:
    us = read(two_rounds["data1"], contract.UNIT_STATUS).set_index("unit")
    assert us.loc[TRANSPORT, "rank"] == 1 and us.loc[FORESTRY, "rank"] == 2
    assert us.loc[TRANSPORT, "behind"] == us.loc[TRANSPORT, "lead_tasks"]
    assert us.loc[FORESTRY, "done"] == us.loc[FORESTRY, "lead_tasks"]
    assert us.loc[FORESTRY, "refused_rows"] == 1
    silent = us[us["submission"] == "missing"]
    assert len(silent) >= 30 and silent["rank"].isna().all()
    assert silent["rank_basis"].str.startswith("未报送").all() or \
        silent["rank_basis"].str.contains("不参与排名").all()
    # a co unit that reported only on others' tasks reported, but leads nothing ranked
    assert us.loc[HOUSING, "submission"] == "on_time"


def test_next_round_books_carry_forward_and_list_refusals(two_rounds) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(two_rounds["books2"] / f"{TRANSPORT}.xlsx")
    ws = wb[rq.TASK_SHEET]
    head = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[33]["进展状态"] == "滞后" and rows[33]["进展说明"].startswith(MARK)
    assert rows[33]["填报日期"] is None
    assert rows[33]["上期信号灯及原因"].startswith("红灯：")
    # 整改措施 opens on red rows only
    r33 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == 33)
    assert not ws.cell(row=r33, column=head.index("整改措施") + 1).protection.locked
    info = {r[0]: r[1] for r in wb[bk.INFO_SHEET].iter_rows(values_only=True) if r[0]}
    assert info["报送截止日期"] == "2026-10-31" and "填报人" in info and "审核人" in info
    fw = load_workbook(two_rounds["books2"] / f"{FORESTRY}.xlsx")[bk.REFUSED_SHEET]
    refused = [r for r in fw.iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(refused) == 1 and refused[0][3] == "任务 1"
    assert "区林业局不承担任务 1" in refused[0][4] and "A" in refused[0][2]
    # byte-identical for identical inputs
    for f in two_rounds["books2"].glob("*.xlsx"):
        assert f.read_bytes() == (two_rounds["again"] / f.name).read_bytes(), f.name


def test_history_shows_the_second_rounds_changes(two_rounds) -> None:
    th = read(two_rounds["data2"], contract.TASK_HISTORY)
    assert list(dict.fromkeys(th["round"])) == ["2026-06-30", "2026-10-31"]
    t34 = th[th["task_id"] == 34].set_index("round")
    assert t34.loc["2026-06-30", "status"] == "delayed"
    assert t34.loc["2026-10-31", "status"] == "completed"
    assert t34.loc["2026-10-31", "movement"] == "improved"
    # rows sent back as carried are no new report: 33 stays 滞后 from round 1
    t33 = th[th["task_id"] == 33].set_index("round")
    assert t33.loc["2026-10-31", "status"] == "delayed"
    ts = read(two_rounds["data2"], contract.TASK_STATUS).set_index("task_id")
    # an open-ended task reported 推进中 after the period is not red
    assert ts.loc[32, "status"] == "in_progress" and ts.loc[32, "light"] != "red"
    assert pd.isna(ts.loc[32, "deadline_year"]) and "未写年份" in ts.loc[32, "deadline_text"]
    tg = read(two_rounds["data2"], contract.TARGET_HISTORY)
    assert set(tg["round"]) == {"2026-06-30", "2026-10-31"}
    us = read(two_rounds["data2"], contract.UNIT_STATUS).set_index("unit")
    assert us.loc[TRANSPORT, "movement"] == "improved"


# --------------------------------------------------------------------------- pages


def _page_text(page: str) -> str:
    import html as html_mod
    import re

    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html_mod.unescape(re.sub(r"<[^>]+>", " ", page)))


def _build_pages(data: Path, root: Path, names: list[str]) -> dict[str, str]:
    from greenlib.report import build

    paths = build.Paths(params=DISTRICT.params, data=data, root=root)
    reports, problems = build.load_reports(paths)
    assert not problems
    by = {r.name: r for r in reports}
    out = {}
    for name in names:
        res = build.build_report(by[name], paths, pdf=False, docx=False)
        assert res.ok, res.error
        out[name] = _page_text((paths.site / f"{name}.html").read_text(encoding="utf-8"))
    return out


@pytest.mark.e2e
def test_department_pages_feed_back(two_rounds, tmp_path) -> None:
    pages = _build_pages(two_rounds["data1"], tmp_path, [
        f"units/{FORESTRY}", f"units/{HOUSING}", f"units/{TRANSPORT}", "units/全区各级各部门"])
    forestry = pages[f"units/{FORESTRY}"]
    # the refused row with its reason and the cell to fix; no file name on the page
    assert "三、被退回的填报" in forestry and "任务 1" in forestry
    assert "区林业局不承担任务 1" in forestry and "单元格" in forestry
    assert ".xlsx" not in forestry and "synthetic" not in forestry
    assert "排第 2 位" in forestry
    # the co unit's return is on its own page
    housing = pages[f"units/{HOUSING}"]
    assert "四、作为配合单位的填报" in housing and "配合单位的说明" in housing
    transport = pages[f"units/{TRANSPORT}"]
    assert "排第 1 位" in transport and "红灯" in transport and "填报“滞后”" in transport
    assert "六、尚欠事项" in transport and "整改措施" in transport
    assert "七、历次报送情况" in transport and "按时报送" in transport
    for text in pages.values():
        assert not any(code in text for code in ("deadline_passed", "no_report", "on_schedule"))
    assert "统称" in pages["units/全区各级各部门"] and "不参与排名" in pages["units/全区各级各部门"]


@pytest.mark.e2e
def test_shipped_department_page_says_what_it_owes(built_data, tmp_path) -> None:
    page = _build_pages(built_data, tmp_path, [f"units/{TRANSPORT}"])[f"units/{TRANSPORT}"]
    assert "未报送" in page and "不参与排名" in page
    # nothing reported yet: no chart, so no chart library — a light page (issue 19)
    raw = (tmp_path / "site" / "units" / f"{TRANSPORT}.html").read_bytes()
    assert b"greenplan-vega-bundle" not in raw and b'class="gp-chart' not in raw
    assert len(raw) < 200_000, f"{len(raw)} bytes"
    assert "报送进展状态" in page          # what it owes, task by task
    assert "排第" not in page


def test_plan_index_lists_departments_bulletin_and_supervision(two_rounds, tmp_path) -> None:
    from greenlib.report import build, site

    paths = build.Paths(params=DISTRICT.params, data=two_rounds["data2"], root=tmp_path)
    reports, _ = build.load_reports(paths)
    paths.site.mkdir(parents=True)
    site.write_plan_index(paths, reports, {}, pdf=False, rebuilt=True, full=True)
    index = _page_text((paths.site / "index.html").read_text(encoding="utf-8"))
    assert "本轮（2026-10-31）收到 1 份填报，退回 0 行" in index
    assert "各责任单位任务落实情况" in index
    assert re.search(r"区交通局 按时报送 1 (● )?红灯", index), index  # the light's mark, then its word
    assert "报送情况通报" in index and "未报送" in index and "报送率" in index
    # 督办清单: task 34 was red and is green now: 销号; 33 is still red: 督办中
    assert "督办清单" in index and "已销号" in index and "督办中" in index
    assert "全区各级各部门 统称（共同职责）" in index
    # a task text the cleaning doubted goes out marked (issue 18), in the 督办清单 too
    assert re.search(r"35 加大推广绿色船舶[^【]*【原文存疑", index)


@pytest.mark.e2e
def test_second_round_page_shows_movement_and_lights_by_round(two_rounds, tmp_path) -> None:
    from greenlib.report import followup as fu
    from greenlib.report import helpers as rh

    s = rh.scope(None, data_dir=two_rounds["data2"])
    counts = fu.lights_by_round(s, TRANSPORT).pivot(index="round", columns="light", values="n")
    assert counts.loc["2026-06-30", "red"] == len(led_by(two_rounds["data2"], TRANSPORT))
    assert counts.loc["2026-10-31", "green"] >= 1         # 34 done, 32 推进中 no longer red
    assert "改善" in fu.movement_text(s)
    record = fu.unit_record(s, TRANSPORT).set_index("轮次")
    assert record.loc["2026-10-31", "较上轮"].startswith("改善")
    page = _build_pages(two_rounds["data2"], tmp_path, [f"units/{TRANSPORT}"])[f"units/{TRANSPORT}"]
    assert "与上一轮相比：改善" in page
    raw = (tmp_path / "site" / "units" / f"{TRANSPORT}.html").read_text(encoding="utf-8")
    assert "牵头任务各轮次信号灯" in raw     # the chart's title (in its vega spec)


def test_shipped_data_every_department_owes_something(built_data) -> None:
    from greenlib.report import followup as fu
    from greenlib.report import helpers as rh

    s = rh.scope(None, data_dir=built_data)
    us = read(built_data, contract.UNIT_STATUS)
    for u in us["unit"]:
        owes = fu.unit_owes(s, u)
        assert len(owes), u
    assert set(read(built_data, contract.TASK_STATUS)["status_label"]) == {"未填报"}
    assert not us["owes"].str.contains("按期更新进展").any()


def test_cli_requests_for_a_round(built_data, tmp_path, capsys) -> None:
    from greenlib.__main__ import main

    assert main(["requests", "--plan", DISTRICT.id, "--round", "2026-13"]) == 1
    assert "ROUND=2026-13 不是日期" in capsys.readouterr().err
    out = tmp_path / "books"
    assert main(["requests", "--plan", DISTRICT.id, "--round", "2026-12", "--out", str(out)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(out / f"{TRANSPORT}.xlsx")
    info = {r[0]: r[1] for r in wb[bk.INFO_SHEET].iter_rows(values_only=True) if r[0]}
    assert info["报送截止日期"] == "2026-12-31" and info["填报轮次"] == "2026-12"
    assert wb.properties.created.date().isoformat() == "2026-12-31"


def test_rank_ties_share_a_rank_never_broken_by_name() -> None:
    from greenlib.monitor import followup

    def row(unit: str, red: int, yellow: int, grey: int, lead: int = 4, sub: str = "on_time"):
        return {"unit": unit, "red": red, "yellow": yellow, "grey": grey, "lead_tasks": lead,
                "reported_tasks": lead - grey, "submission": sub}

    rows = [row("乙", 1, 0, 0), row("甲", 1, 0, 0), row("丙", 2, 0, 0), row("丁", 0, 1, 1),
            row("戊", 0, 0, 4, sub="missing"), row("己", 0, 0, 0, lead=0)]
    followup._rank(rows)
    rank = {r["unit"]: r["rank"] for r in rows}
    assert rank == {"丙": 1, "乙": 2, "甲": 2, "丁": 4, "戊": None, "己": None}
    basis = {r["unit"]: r["rank_basis"] for r in rows}
    assert basis["戊"].startswith("未报送") and "无牵头任务" in basis["己"]
    assert contract.is_collective("全区各级各部门") and contract.is_collective("各乡镇街道")
    assert not contract.is_collective("区林业局")


def test_reporter_fields_and_measures_are_read(two_rounds, built_data, tmp_path) -> None:
    from openpyxl import load_workbook

    p = tmp_path / "progress" / "2026-10-31"
    out = fill(two_rounds["books2"] / f"{TRANSPORT}.xlsx", p / f"{TRANSPORT}_合成_synthetic.xlsx",
               tasks={33: {"status": "滞后", "report_date": "2026-10-20"}})
    wb = load_workbook(out)
    ws, info = wb[rq.TASK_SHEET], wb[bk.INFO_SHEET]
    head = [c.value for c in ws[1]]
    r33 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == 33)
    for col, v in (("整改措施", f"{MARK}：加派人手"), ("责任人", "合成某某"), ("整改时限", "2026-12-31")):
        ws.cell(row=r33, column=head.index(col) + 1, value=v)
    for row in info.iter_rows(max_col=2):
        if row[0].value in ("填报人", "联系电话", "审核人"):
            row[1].value = f"合成{row[0].value}"
    wb.save(out)
    data = run_with(built_data, tmp_path, tmp_path / "progress")
    ret = read(data, contract.RETURNS)
    r = ret[ret["task_id"] == 33].iloc[0]
    assert r["filled_by"] == "合成填报人" and r["reviewer"] == "合成审核人"
    ts = read(data, contract.TASK_STATUS).set_index("task_id")
    assert ts.loc[33, "measures"].endswith("加派人手") and ts.loc[33, "measures_due"] == "2026-12-31"
    # rows sent back as carried were not read as reports
    assert set(ret["task_id"]) == {33}
