"""The review book round trip (issue 18): ``make data`` lists doubtful targets and task texts in
``build/<id>/targets_review.xlsx``; the analyst confirms, corrects and rejects rows and puts the
book in the plan's ``reference/``; the next ``make data`` applies the decisions as corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from greenlib import contract, labels
from greenlib.__main__ import main
from greenlib.clean import steps

DISTRICT = "qianjiang-2022-24"


@pytest.fixture
def review_sandbox(sandbox: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """conftest's ``sandbox`` with a stricter review threshold: the district's extraction is
    sure of all but one row at the library's threshold (0.7); a stricter one lists five,
    enough to confirm one, correct one and reject one."""
    monkeypatch.setattr(steps, "REVIEW_BELOW", 0.8)
    return sandbox


def _rows(ws) -> tuple[dict[str, int], list[list]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return {h: i for i, h in enumerate(rows[0])}, rows[1:]


def test_review_book_round_trip(review_sandbox: tuple[Path, Path]) -> None:
    plans, build = review_sandbox
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


def _request_texts(data: Path, out: Path) -> dict[int, str]:
    """Task number → the text every request book shows for it."""
    from greenlib.monitor import requests as rq

    inputs = rq.load_inputs(data, None)
    rq.write_requests(inputs, out, plan_id=DISTRICT, plan_title="规划", period=(2022, 2025),
                      as_of="2026-11-25", base_year=2020, cycle_days=183, log=lambda *_: None)
    texts: dict[int, str] = {}
    for f in out.glob("*.xlsx"):
        ws = load_workbook(f)["重点任务"]
        for row in ws.iter_rows(min_row=2, values_only=True):
            texts[int(row[0])] = row[1]
    return texts


def test_doubtful_texts_are_marked_until_reviewed(review_sandbox: tuple[Path, Path], tmp_path: Path) -> None:
    """Request books, department pages and the assessment's task tables mark a 原文识别存疑 task
    with the plan's page; a task the analyst confirmed or corrected is no longer marked."""
    from greenlib.report import helpers as rh
    from greenlib.report import progress as pg

    plans, build = review_sandbox
    assert main(["data", "--plan", DISTRICT]) == 0
    data = build / DISTRICT / "data"
    tasks = pd.read_csv(data / contract.TASKS).set_index("task_id")
    doubtful = set(tasks.index[tasks["text_doubtful"].astype(bool)])
    assert tasks.loc[6, "page"] == 21 and tasks["page"].notna().all()
    # two doubtful tasks that a department leads (task 6 lost its units in the scrape)
    one, two = [i for i in sorted(doubtful) if isinstance(tasks.loc[i, "lead_unit"], str)][:2]
    mark = {i: f"【原文存疑，见原文第{int(tasks.loc[i, 'page'])}页】" for i in (one, two)}
    texts = _request_texts(data, tmp_path / "req1")
    assert texts[one].endswith(mark[one]) and texts[two].endswith(mark[two])
    assert all("原文存疑" in texts[i] for i in doubtful if i in texts)
    assert not any("原文存疑" in texts[i] for i in set(texts) - doubtful)
    s = rh.scope(None, data_dir=data)
    lead = tasks.loc[one, "lead_unit"]
    page = pg.unit_tasks(s, lead).set_index("编号")  # a department page's task table
    assert page.loc[one, "重点任务"].endswith(mark[one])
    table = pg.task_progress_table(s).set_index("编号")  # the assessment's task table
    assert table.loc[two, "重点任务"].endswith(mark[two])

    book = load_workbook(build / DISTRICT / contract.TARGETS_REVIEW)
    wk = book[labels.REVIEW_TASK_SHEET]
    h, rows = _rows(wk)
    K = labels.REVIEW_TASK_HEADERS
    for i, r in enumerate(rows, start=2):
        if r[h[K["task_id"]]] == one:
            wk.cell(row=i, column=h[K["decision"]] + 1, value="确认")
    book.save(plans / DISTRICT / "reference" / contract.TARGETS_REVIEW)
    assert main(["data", "--plan", DISTRICT]) == 0
    texts = _request_texts(data, tmp_path / "req2")
    assert "原文存疑" not in texts[one] and texts[two].endswith(mark[two])
    s = rh.scope(None, data_dir=data)
    assert "原文存疑" not in pg.unit_tasks(s, lead).set_index("编号").loc[one, "重点任务"]


def test_invalid_decisions_name_sheet_and_cell(tmp_path: Path) -> None:
    """Each invalid decision is reported with its sheet and cell; the valid ones still count."""
    from openpyxl import Workbook

    from greenlib.clean.review_read import read_book

    H, K = labels.REVIEW_TARGET_HEADERS, labels.REVIEW_TASK_HEADERS
    wb = Workbook()
    ws = wb.active
    ws.title = labels.REVIEW_TARGET_SHEET
    keys = list(H)
    ws.append([H[k] for k in keys])

    def row(**kw: object) -> None:
        ws.append([kw.get(k) for k in keys])

    row(key="T-1", decision="修改", new_value="约60")           # row 2: not a number
    row(key="T-2", decision="修改", new_year=1850)              # row 3: not a plausible year
    row(key="T-3", decision="修改", new_comparator="大约")       # row 4: not a comparator
    row(key="T-4", decision="修改")                             # row 5: nothing to change
    row(key="T-5", decision="确认")                             # row 6: fine
    row(key="T-5", decision="删除")                             # row 7: the same row twice
    row(key="T-6", decision="修改", new_value="1,200", new_unit="万千瓦时")  # row 8: fine
    row(key="T-7")                                              # row 9: undecided
    wk = wb.create_sheet(labels.REVIEW_TASK_SHEET)
    wk.append(list(K.values()))
    wk.append(["R1-x", 1, None, None, None, "文", None, None, "修改", None, None])  # no new text
    wk.append(["R2-y", 2, None, None, None, "文", None, None, "删除", None, None])  # not for tasks
    path = tmp_path / "targets_review.xlsx"
    wb.save(path)

    decisions, problems = read_book(path)
    got = {(d.key, d.decision): d.values for d in decisions}
    assert got == {("T-5", "confirm"): {}, ("T-6", "correct"): {"value": 1200.0, "unit": "万千瓦时"}}
    col = {k: chr(ord("A") + i) for i, k in enumerate(keys)}
    cells = {(p["sheet"], p["cell"]) for p in problems}
    T, R = labels.REVIEW_TARGET_SHEET, labels.REVIEW_TASK_SHEET
    assert {(T, f"{col['new_value']}2"), (T, f"{col['new_year']}3"),
            (T, f"{col['new_comparator']}4"), (T, f"{col['decision']}5"), (T, "7"),
            (R, "J2"), (R, "I3")} == cells
    assert all(p["detail"].count("targets_review.xlsx") == 1 and "此行未采用" in p["detail"]
               for p in problems)

    broken = tmp_path / "broken" / "targets_review.xlsx"
    broken.parent.mkdir()
    broken.write_text("not a workbook", encoding="utf-8")
    decisions, problems = read_book(broken)
    assert decisions == [] and "无法作为 .xlsx 读取" in problems[0]["detail"]
