"""The analyst's review book: ``build/<plan-id>/targets_review.xlsx`` (written by ``make data``).

Made from the clean stage's ``quality.json`` ``review`` (greenlib/clean/review.py chose the rows
and keeps the decisions already taken): sheet 量化目标核对 lists the target rows under the
confidence threshold or with a guessed year or unit, sheet 任务原文核对 the task texts flagged
原文识别存疑 with the body's reading beside them; rows decided earlier come back with their
decision filled in, so a book returned again loses nothing. Given columns are grey and locked,
the decision (dropdown 确认/修改/删除) and the new value, unit, comparator, year or text are
yellow, as in the request books (:mod:`greenlib.monitor.requests`, whose styling is reused).
The analyst puts the filled book in ``plans/<plan-id>/reference/targets_review.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .. import contract, labels
from .requests import Col, _style_sheet

META_KIND = "greenplan-review-book"

TARGET_COLUMNS: tuple[Col, ...] = tuple(Col(k, labels.REVIEW_TARGET_HEADERS[k], w, f) for k, w, f in (
    ("key", 8, False), ("target_id", 8, False), ("indicator", 24, False), ("quote", 40, False),
    ("value", 9, False), ("unit", 8, False), ("comparator", 9, False), ("year", 8, False),
    ("why", 16, False), ("confidence", 7, False), ("decision", 8, True),
    ("new_value", 9, True), ("new_unit", 9, True), ("new_comparator", 10, True),
    ("new_year", 8, True), ("note", 22, True)))
TASK_COLUMNS: tuple[Col, ...] = tuple(Col(k, labels.REVIEW_TASK_HEADERS[k], w, f) for k, w, f in (
    ("key", 8, False), ("task_id", 7, False), ("page", 7, False), ("text_doubt", 8, False),
    ("reasons", 26, False), ("text", 44, False), ("body", 40, False), ("repairs", 20, False),
    ("decision", 8, True), ("new_text", 44, True), ("note", 20, True)))


def _num(v: Any) -> Any:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() else f


def _why(codes: list[str], threshold: float) -> str:
    return "、".join(labels.REVIEW_WHY[c].format(threshold=threshold) for c in codes)


def _dropdown(ws: Any, cols: tuple[Col, ...], key: str, words: list[str], n: int, title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = ws.cell(row=1, column=[c.key for c in cols].index(key) + 1).column_letter
    dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle=title,
                        error="请从下拉列表中选择：" + "、".join(words),
                        showInputMessage=True, promptTitle=title, prompt="、".join(words))
    if n:
        dv.add(f"{letter}2:{letter}{n + 1}")
    ws.add_data_validation(dv)


def rows_of(review: dict[str, Any]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The two sheets' rows: the rows still to decide, then those decided before (filled in)."""
    thr = review.get("threshold")
    cmp_word = labels.COMPARATOR
    trows: list[list[Any]] = []
    krows: list[list[Any]] = []
    for r in review.get("targets") or []:
        trows.append([r["key"], r.get("target_id"), r["indicator"], r.get("quote"), _num(r["value"]),
                      r.get("unit"), cmp_word.get(r.get("comparator"), r.get("comparator")),
                      _num(r.get("year")), _why(r.get("why") or [], thr), r.get("confidence"),
                      None, None, None, None, None, None])
    for r in review.get("tasks") or []:
        krows.append([r["key"], r["task_id"], r.get("page"), r.get("text_doubt"), r.get("reasons"),
                      r["text"], r.get("body"), r.get("repairs"), None, None, None])
    for d in review.get("decisions") or []:
        if d["status"] != "applied":
            continue  # an unused decision is for a reading that is no longer there
        g, new, word = d.get("given") or {}, d.get("new") or {}, labels.REVIEW_DECISION[d["decision"]]
        if d["sheet"] == labels.REVIEW_TARGET_SHEET:
            trows.append([d["key"], None, g.get("indicator"), g.get("quote"), _num(g.get("value")),
                          g.get("unit"), cmp_word.get(g.get("comparator"), g.get("comparator")),
                          _num(g.get("year")), labels.REVIEW_WHY["decided"], g.get("confidence"),
                          word, _num(new.get("value")), new.get("unit"),
                          cmp_word.get(new.get("comparator")) if new.get("comparator") else None,
                          new.get("year"), d.get("note") or None])
        else:
            krows.append([d["key"], g.get("task_id"), g.get("page"), g.get("text_doubt"),
                          labels.REVIEW_WHY["decided"], g.get("text"), None, g.get("repairs"),
                          word, new.get("text"), d.get("note") or None])
    return trows, krows


def write_review_book(path: Path, data_dir: Path, plan_id: str, log: Any = print) -> Path | None:
    """Write the review book from ``data_dir/quality.json`` (None when there is nothing to
    review and nothing decided: an old book is removed, so no stale book is left around)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    q = json.loads((Path(data_dir) / contract.QUALITY).read_text(encoding="utf-8"))
    review = q.get("review") or {}
    trows, krows = rows_of(review)
    path = Path(path)
    if not trows and not krows:
        if path.exists():
            path.unlink()
        return None
    wb = Workbook()
    ws = wb.active
    ws.title = labels.REVIEW_TARGET_SHEET
    ws.append([c.header for c in TARGET_COLUMNS])
    for r in trows:
        ws.append(r)
    _style_sheet(ws, TARGET_COLUMNS, len(trows))
    _dropdown(ws, TARGET_COLUMNS, "decision", list(labels.REVIEW_DECISION.values()), len(trows), "处理")
    _dropdown(ws, TARGET_COLUMNS, "new_comparator", list(labels.COMPARATOR.values()), len(trows),
              "比较方式")
    wk = wb.create_sheet(labels.REVIEW_TASK_SHEET)
    wk.append([c.header for c in TASK_COLUMNS])
    for r in krows:
        wk.append(r)
    _style_sheet(wk, TASK_COLUMNS, len(krows))
    _dropdown(wk, TASK_COLUMNS, "decision", [labels.REVIEW_DECISION[k] for k in ("confirm", "correct")],
              len(krows), "处理")
    wh = wb.create_sheet(labels.REVIEW_HELP_SHEET)
    for line in help_lines(review.get("threshold"), len(trows), len(krows)):
        wh.append([line])
    wh.column_dimensions["A"].width = 120
    for row in wh.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    wh["A1"].font = Font(bold=True, size=14)
    meta = wb.create_sheet("_meta")
    for k, v in (("kind", META_KIND), ("plan_id", plan_id),
                 ("generated", dt.date.today().isoformat()),
                 ("data_version", q.get("data_version", ""))):
        meta.append([k, v])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    log(f"greenlib review: {plan_id}: 核对表 {len(trows)} 行目标、{len(krows)} 项任务原文 → {path}")
    return path


def help_lines(threshold: Any, n_targets: int, n_tasks: int) -> list[str]:
    """The 说明 sheet (Chinese)."""
    d = labels.REVIEW_DECISION
    return [
        "量化目标与任务原文核对表",
        f"“{labels.REVIEW_TARGET_SHEET}”列出 {n_targets} 行：程序读出的置信度低于 {threshold}，"
        "或年份、单位是推断出来的目标；"
        f"“{labels.REVIEW_TASK_SHEET}”列出 {n_tasks} 项原文识别存疑的任务，旁边是正文中说同一件事的语句。",
        f"一、灰色列为程序读出的内容（已锁定，勿改）；黄色列由核对人填写。每行在“处理”中选择："
        f"{d['confirm']}（读得对）、{d['correct']}（在“改为…”列只填要改的项，其余留空）、"
        f"{d['reject']}（不是目标，仅量化目标表可选）。不处理的行留空，下次仍会列出。",
        "二、“改为数值”只填数字；“改为单位”填单位（没有单位填“无”）；“改为比较方式”从下拉列表中选择；"
        "“改为年份”填四位年份。任务原文选“修改”的，在“改为”中填写核对原件后的完整原文。",
        "三、填好后把本文件放入规划文件夹的 reference/targets_review.xlsx（文件名不变），再运行 make data："
        "每行处理作为规划的更正采用，逐行列在 quality.json 和 quality.md 中；填写有误的行会指明"
        "工作表和单元格，不会被悄悄丢弃。",
        "四、已处理的行在下一次生成的核对表中保留原来的处理，可再次修改；原文或识别规则改变后不再对应的处理"
        "列为“未使用”。",
    ]
