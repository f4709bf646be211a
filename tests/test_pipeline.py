"""The whole plan through the pipeline, against the hand-checked reading; CLI; corrections; validation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from greenlib import config, contract
from greenlib.clean.ingest import read_plan
from greenlib.clean.pipeline import clean_document
from greenlib.clean.units import Registry
from greenlib.clean.validate import validate_tables
from greenlib.errors import InputError, ValidationError
from tests.paths import RAW_PLAN

from .scoring import score_targets, score_tasks

FIX = Path(__file__).parent / "fixtures"
PY = sys.executable


def test_annex_matches_the_hand_checked_reading(built_data):
    s = score_tasks(built_data)
    assert s["tasks"] == 97
    assert s["structure_ok"] == 97  # every task in the right part and section
    assert s["pairs_f1"] >= 0.98
    assert s["exact_sets"] >= 92
    assert s["lead_ok"] >= 94


def test_targets_match_the_hand_checked_list(built_data):
    s = score_targets(built_data)
    assert s["recall"] >= 0.9, s["missed"]
    assert s["precision"] >= 0.9, s["extra"]


def test_task_text_is_clean(cleaned, registry):
    tasks = cleaned.tables[contract.TASKS]
    for _, r in tasks.iterrows():
        for u in registry.units:
            assert u not in r["text"], (r["task_id"], u)
        assert "类别重点任务" not in r["text"]
    t1 = tasks.set_index("task_id").loc[1]
    # 入 and the closing quote from the body's copy of the sentence, each with its source offset
    assert t1["text"] == "强化产业准入和落后产能退出，坚决遏制“两高”项目盲目发展。"
    assert t1["text_ocr"] == "强化产业准和落后产能退出，坚决遏制“两高项目盲目发展。"
    assert t1["repairs"] == "∅→入@原文:841；∅→”@原文:857"
    assert t1["lead_unit"] == "区经济信息委"
    assert tasks.set_index("task_id").loc[12, "years"] == "2025"


def test_rows_point_back_to_the_raw_text(cleaned, raw_text):
    tasks = cleaned.tables[contract.TASKS].set_index("task_id")
    a, b = tasks.loc[21, ["raw_start", "raw_end"]]
    span = raw_text[a:b]
    assert span.startswith("21推进农业与旅游") and "区林\n24、业局" in span
    tu = cleaned.tables[contract.TASK_UNITS]
    row = tu[(tu.task_id == 5) & (tu.unit == "区经济信息委")].iloc[0]
    assert raw_text[row.raw_start:row.raw_end] == "区经济信"  # the head of the cut name
    tg = cleaned.tables[contract.TARGETS]
    t = tg[tg.indicator == "空气质量优良天数"].iloc[0]
    assert raw_text[t.raw_start:t.raw_end] == "空气质量优良天数稳定在350天以上"


def test_one_row_per_commitment_with_all_task_ids(cleaned):
    tg = cleaned.tables[contract.TARGETS]
    manure = tg[tg.indicator == "畜禽粪污综合利用率"]
    assert len(manure) == 1
    assert manure.iloc[0]["sources"] == "body;annex" and manure.iloc[0]["task_ids"] == "12"
    green = tg[(tg.indicator.str.contains("绿色建筑")) & (tg.value == 70)]
    assert sorted(green["year"].tolist()) == [2022, 2025]  # two years, two targets
    assert tg["target_id"].is_unique


def test_roles_lead_and_co(cleaned):
    tu = cleaned.tables[contract.TASK_UNITS]
    for _, g in tu.groupby("task_id"):
        g = g.sort_values("position")
        assert list(g["position"]) == list(range(1, len(g) + 1))
        assert list(g["role"]) == ["lead"] + ["co"] * (len(g) - 1)
    units = cleaned.tables[contract.UNITS].set_index("unit")
    assert units.loc["区发展改革委", "n_lead"] + units.loc["区发展改革委", "n_co"] == int(
        (tu.unit == "区发展改革委").sum())


def test_contract_files_and_quality_report(built_data):
    for name, cols in contract.REQUIRED_COLUMNS.items():
        if name == contract.STATUS:
            continue
        df = pd.read_csv(built_data / name)
        assert list(df.columns[: len(cols)]) == cols, name
    q = json.loads((built_data / contract.QUALITY).read_text(encoding="utf-8"))
    assert q["counts"]["tasks"] == 97
    applied = {c["id"] for c in q["corrections"] if c["status"] == "applied"}
    assert "unit-79-keji" in applied
    kinds = {u["kind"] for u in q["unresolved"]}
    assert "task_without_units" in kinds  # task 6 has no unit cell in the scrape
    assert (built_data / "quality.md").read_text(encoding="utf-8").startswith("# 数据质量报告")


def test_excel_workbook_has_chinese_sheets_and_headers(built_data, tmp_path):
    from openpyxl import load_workbook

    from greenlib.report.workbook import header_cells, write_workbook

    path = write_workbook(built_data, tmp_path / "plan.xlsx")
    xl = pd.ExcelFile(path)
    assert {"重点任务", "任务分工", "责任单位", "量化目标", "目标进展", "监测数据"} <= set(xl.sheet_names)
    tasks = pd.read_excel(path, sheet_name="重点任务")
    assert list(tasks.columns[:3]) == ["任务编号", "领域", "章节名称（校订）"]  # printable
    assert len(tasks) == 97
    texts = pd.read_excel(path, sheet_name="任务原文（分析用）")
    assert list(texts.columns[:3]) == ["任务编号", "部分", "部分名称"] and len(texts) == 97
    # no header is an English code; ratings and roles read in Chinese
    for sheet, header in header_cells(path):
        assert not header.isascii(), (sheet, header)
    status = pd.read_excel(path, sheet_name="目标进展")
    assert set(status["进展评级"]) <= {"已实现", "按期推进", "进度滞后", "逾期未实现", "数据不足"}
    roles = pd.read_excel(path, sheet_name="任务分工")
    assert set(roles["角色"]) == {"牵头", "配合"}
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref, ws.title
        assert ws["A1"].font.bold, ws.title
        assert all(ws.column_dimensions[c].width for c in ("A",)), ws.title


def test_unused_correction_is_reported(tmp_path):
    p = tmp_path / "corrections.yaml"
    p.write_text("corrections:\n  - id: stale\n    table: task_units\n    task_id: 1\n"
                 "    raw: 不存在的写法\n    unit: 区财政局\n    reason: test\n", encoding="utf-8")
    res = clean_document(read_plan(RAW_PLAN), corrections_path=p)
    c = res.quality["corrections"][0]
    assert c["id"] == "stale" and c["status"] == "unused" and "出现0次" in c["detail"]


def test_correction_to_an_unknown_unit_is_refused(tmp_path):
    p = tmp_path / "corrections.yaml"
    p.write_text("corrections:\n  - id: bad\n    table: task_units\n    task_id: 79\n"
                 "    raw: 区所局\n    unit: 区科学局\n    reason: test\n", encoding="utf-8")
    with pytest.raises(InputError, match="区科学局"):
        clean_document(read_plan(RAW_PLAN), corrections_path=p)


def test_validation_names_table_row_and_field(cleaned):
    tables = {k: v.copy() for k, v in cleaned.tables.items()}
    tables[contract.TASK_UNITS].loc[3, "unit"] = "区不存在局"
    tables[contract.TARGETS].loc[0, "year"] = 1899  # outside 1990–2100 (a year before 2020 is valid: T16)
    with pytest.raises(ValidationError) as e:
        validate_tables(tables, set(Registry.load().units), {"industry", "agriculture", "energy",
                                                             "urban", "transport", "logistics",
                                                             "consumption", "services", "recycling",
                                                             "trade", "innovation", "governance",
                                                             "finance"})
    msg = str(e.value)
    # the user's positions (the annex task's number, the target's id), not an output row
    tid = int(tables[contract.TASK_UNITS].loc[3, "task_id"])
    target = tables[contract.TARGETS].loc[0, "target_id"]
    assert f"task_units.csv：附件第 {tid} 项任务（区不存在局）：字段 unit" in msg
    assert f"targets.csv：量化目标 {target}：字段 year" in msg
    assert " row " not in msg


# ------------------------------------------------------------------------------ CLI


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "greenlib", *args], capture_output=True, text=True, cwd=config.ROOT,
                          timeout=120)


def test_cli_clean_municipal_opinion_without_annex(tmp_path):
    r = run_cli("clean", str(FIX / "plans" / "municipal_opinion.txt"), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(tmp_path / "targets.csv")
    want = pd.read_csv(FIX / "plans" / "municipal_opinion_targets.csv")
    main = got[got.source == "main_targets"]
    found = sum(any((m.value == w.value) and (m.unit == w.unit) and (m.comparator == w.comparator)
                    for m in main.itertuples()) for w in want.itertuples())
    assert found / len(want) >= 0.8
    assert pd.read_csv(tmp_path / "tasks.csv").empty


def test_cli_clean_traditional_copy_gives_the_same_tables(tmp_path):
    import opencc

    trad = opencc.OpenCC("s2t").convert(RAW_PLAN.read_text(encoding="utf-8"))
    src = tmp_path / "plan_trad.txt"
    src.write_text(trad, encoding="utf-8")
    r = run_cli("clean", str(src), "--out", str(tmp_path / "out"), "--plan", "qianjiang-2022-24")
    assert r.returncode == 0, r.stderr
    s = score_tasks(tmp_path / "out")
    assert s["tasks"] == 97 and s["structure_ok"] == 97 and s["pairs_f1"] >= 0.95
    q = json.loads((tmp_path / "out" / "quality.json").read_text(encoding="utf-8"))
    assert q["input"]["traditional_converted"] is True
    assert score_targets(tmp_path / "out")["recall"] >= 0.8


def test_cli_clean_docx(tmp_path):
    import docx

    d = docx.Document()
    for para in (FIX / "plans" / "municipal_opinion.txt").read_text(encoding="utf-8").splitlines():
        d.add_paragraph(para)
    src = tmp_path / "plan.docx"
    d.save(src)
    r = run_cli("clean", str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(tmp_path / "out" / "targets.csv")) >= 10


@pytest.mark.parametrize("name", ["not_a_plan.txt", "missing.txt"])
def test_cli_refuses_what_is_not_a_plan_without_traceback(tmp_path, name):
    r = run_cli("clean", str(FIX / "plans" / name), "--out", str(tmp_path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert name in r.stderr
    assert not (tmp_path / "tasks.csv").exists()


def test_cli_refuses_a_broken_docx(tmp_path):
    src = tmp_path / "broken.docx"
    src.write_bytes(b"PK\x03\x04 not really a zip")
    r = run_cli("clean", str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "broken.docx" in r.stderr


def test_cli_clean_another_governments_plan_keeps_its_units(tmp_path):
    # a county's units are not in the district registry: kept as written, never turned into 区…
    r = run_cli("clean", str(FIX / "plans" / "county_plan_with_annex.txt"), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    tu = pd.read_csv(tmp_path / "task_units.csv")
    assert tu[tu.task_id == 1]["unit"].tolist() == ["县经济信息委", "县发展改革委"]
    assert set(tu["unit"]) == {"县经济信息委", "县发展改革委", "县市场监管局", "县农业农村委"}
    tg = pd.read_csv(tmp_path / "targets.csv")
    straw = tg[tg.indicator.str.contains("秸秆")]
    assert len(straw) == 1 and straw.iloc[0]["sources"] == "main_targets;annex"


def test_cli_clean_without_a_plan_borrows_no_full_names(tmp_path):
    # the district's own text cleaned as an unknown plan: generic names, no 黔江 full names
    r = run_cli("clean", str(RAW_PLAN), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    units = pd.read_csv(tmp_path / "units.csv")
    assert "区发展改革委" in set(units["unit"])
    assert not units["full_name"].str.contains("黔江").any()
    assert (units["full_name"] == units["unit"]).all()
    assert score_tasks(tmp_path)["pairs_f1"] >= 0.85


def test_the_2035_vision_is_listed_as_goals(built_data, raw_text):
    goals = pd.read_csv(built_data / "goals.csv")
    assert (goals["year"] == 2035).sum() == 8
    row = goals[goals.text == "山清水秀美丽之地基本建成"].iloc[0]
    assert raw_text[row.raw_start:row.raw_end] == "山清水秀美丽之地基本建成"
