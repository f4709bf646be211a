"""The review book round trip (issue 18): ``make data`` lists doubtful targets and task texts in
``build/<id>/targets_review.xlsx``; the analyst confirms, corrects and rejects rows and puts the
book in the plan's ``reference/``; the next ``make data`` applies the decisions as corrections."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from greenlib import config, contract, labels
from greenlib.__main__ import main
from greenlib.clean import steps

DISTRICT = "qianjiang-2022-24"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    plans = tmp_path / "plans"
    shutil.copytree(config.PLANS, plans, ignore=shutil.ignore_patterns("progress"))
    build = tmp_path / "build"
    build.mkdir()
    monkeypatch.setattr(config, "PLANS", plans)
    monkeypatch.setattr(config, "PLANS_INDEX", plans / "plans.yaml")
    monkeypatch.setattr(config, "BUILD", build)
    monkeypatch.setenv("GREENPLAN_LOCK_TIMEOUT", "0")
    # the district's extraction is sure of all but one row at the library's threshold (0.7):
    # a stricter one lists five, enough to confirm one, correct one and reject one
    monkeypatch.setattr(steps, "REVIEW_BELOW", 0.8)
    return plans, build


def _rows(ws) -> tuple[dict[str, int], list[list]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return {h: i for i, h in enumerate(rows[0])}, rows[1:]


def test_review_book_round_trip(sandbox: tuple[Path, Path]) -> None:
    plans, build = sandbox
    assert main(["data", "--plan", DISTRICT]) == 0
    book = build / DISTRICT / contract.TARGETS_REVIEW
    before = pd.read_csv(build / DISTRICT / "data" / contract.TARGETS)
    wb = load_workbook(book)
    ws, wk = wb[labels.REVIEW_TARGET_SHEET], wb[labels.REVIEW_TASK_SHEET]
    h, rows = _rows(ws)
    H = labels.REVIEW_TARGET_HEADERS
    listed = {r[h[H["indicator"]]]: i + 2 for i, r in enumerate(rows)}
    # every row under the threshold or with a guess, and nothing else
    low = before[(before["confidence"] < 0.8) | before["year_guessed"] | before["unit_guessed"]]
    assert set(listed) == set(low["indicator"])
    # locked given columns, a dropdown on the decision, protection on (as the request books)
    col = {k: ws.cell(row=1, column=h[v] + 1).column_letter for k, v in H.items()}
    assert ws.protection.sheet
    assert ws[f"{col['indicator']}2"].protection.locked
    assert not ws[f"{col['decision']}2"].protection.locked
    assert any("确认,修改,删除" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)

    ws[f"{col['decision']}{listed['工业固废综合利用率']}"] = "确认"
    ws[f"{col['decision']}{listed['节能环保产业产值']}"] = "修改"
    ws[f"{col['new_value']}{listed['节能环保产业产值']}"] = 60
    ws[f"{col['decision']}{listed['达到绿色学校创建要求的学校比例']}"] = "删除"
    bad_row = listed["参与创建并达到绿色社区创建要求的社区比例"]
    ws[f"{col['decision']}{bad_row}"] = "同意"  # not a choice of the list: reported, not applied

    hk, krows = _rows(wk)
    K = labels.REVIEW_TASK_HEADERS
    kcol = {k: wk.cell(row=1, column=hk[v] + 1).column_letter for k, v in K.items()}
    tasks = {r[hk[K["task_id"]]]: i + 2 for i, r in enumerate(krows)}
    assert {2, 6} <= set(tasks)
    six = krows[tasks[6] - 2]
    assert "清洁生产" in six[hk[K["body"]]]  # the body's reading beside the doubtful text
    assert six[hk[K["page"]]] == 21  # the scrape's page of the task
    fixed = "开展“双超双有高耗能”企业强制性清洁生产审核工作。"
    wk[f"{kcol['decision']}{tasks[6]}"] = "修改"
    wk[f"{kcol['new_text']}{tasks[6]}"] = fixed
    wk[f"{kcol['decision']}{tasks[2]}"] = "确认"
    wb.save(plans / DISTRICT / "reference" / contract.TARGETS_REVIEW)

    assert main(["data", "--plan", DISTRICT]) == 0
    data = build / DISTRICT / "data"
    after = pd.read_csv(data / contract.TARGETS)
    assert len(after) == len(before) - 1
    assert "达到绿色学校创建要求的学校比例" not in set(after["indicator"])
    by = after.set_index("indicator")
    assert by.loc["节能环保产业产值", "value"] == 60
    assert by.loc["节能环保产业产值", "rule"].endswith("审核:修改")
    assert by.loc["工业固废综合利用率", "rule"].endswith("审核:确认")
    assert by.loc["工业固废综合利用率", "confidence"] == 1.0
    old = before.set_index("indicator").loc["工业固废综合利用率"]
    assert by.loc["工业固废综合利用率", "value"] == old["value"]
    # untouched rows are unchanged
    same = before[~before["indicator"].isin(["节能环保产业产值", "工业固废综合利用率",
                                            "达到绿色学校创建要求的学校比例"])]
    assert set(same["quote"]) <= set(after["quote"])

    tasks_csv = pd.read_csv(data / contract.TASKS).set_index("task_id")
    assert tasks_csv.loc[6, "text"] == fixed
    assert not bool(tasks_csv.loc[6, "text_doubtful"]) and not bool(tasks_csv.loc[2, "text_doubtful"])
    assert "审核" in tasks_csv.loc[6, "repairs"]

    q = json.loads((data / contract.QUALITY).read_text(encoding="utf-8"))
    rev = q["review"]
    assert [d["status"] for d in rev["decisions"]].count("applied") == 5
    assert len(rev["problems"]) == 1
    p = rev["problems"][0]
    assert p["sheet"] == labels.REVIEW_TARGET_SHEET and p["cell"] == f"{col['decision']}{bad_row}"
    assert "同意" in p["detail"] and f"{col['decision']}{bad_row}" in p["detail"]
    md = (data / "quality.md").read_text(encoding="utf-8")
    assert p["detail"] in md.split("## 自动清洗规则")[0]
    assert any(u["kind"] == "review_invalid" for u in q["unresolved"])

    # the next book keeps every decision (returned again, nothing is lost), and the row with
    # the invalid decision is listed again, undecided
    wb2 = load_workbook(build / DISTRICT / contract.TARGETS_REVIEW)
    h2, rows2 = _rows(wb2[labels.REVIEW_TARGET_SHEET])
    decided = {r[h2[H["indicator"]]]: r[h2[H["decision"]]] for r in rows2}
    assert decided["工业固废综合利用率"] == "确认" and decided["达到绿色学校创建要求的学校比例"] == "删除"
    assert decided["节能环保产业产值"] == "修改" and decided["参与创建并达到绿色社区创建要求的社区比例"] is None
    wb2.save(plans / DISTRICT / "reference" / contract.TARGETS_REVIEW)
    assert main(["data", "--plan", DISTRICT]) == 0
    again = pd.read_csv(data / contract.TARGETS)
    pd.testing.assert_frame_equal(again, after)
