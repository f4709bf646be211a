"""The analyst's review book read back: decisions on doubtful targets and task texts.

``make data`` writes ``build/<plan-id>/targets_review.xlsx`` (greenlib/monitor/review_book.py)
listing the target rows under :data:`greenlib.clean.steps.REVIEW_BELOW` confidence or with a
guessed year or unit, and the task texts flagged 原文识别存疑. The analyst picks 确认 / 修改 /
删除 in each row and puts the book back as ``plans/<plan-id>/reference/targets_review.xlsx``;
the next clean reads it (:mod:`.review_read`) and applies here each decision as a correction of the plan (like
``reference/corrections.yaml``): a confirmed row is kept as read, its guesses vouched for; a
corrected row takes the new value, unit, comparator or year (a task its new text); a rejected
target is dropped. Every decision is listed in ``quality.json`` (``review.decisions``, applied
or unused); an invalid one (a word not in the list, a value that is no number …) is listed in
``review.problems`` naming sheet and cell, and in the unresolved items — never dropped silently,
never a reason to refuse the rest.

Rows are matched by a key made of what the cleaning read (indicator, quote, value, unit,
comparator, year; a task's number and text), so a decision stays with its row when others
come or go, and becomes *unused* (shown) when the reading itself changed.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .. import labels
from . import targets as tg
from .ingest import page_marker_spans
from .repair import MIN_SIMILARITY
from .review_read import Decision, read_book
from .work import Work


def _num(v: Any) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return ""


def _year(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    try:
        return str(int(v))
    except (TypeError, ValueError):
        return ""


def target_key(t: dict[str, Any]) -> str:
    """A target row's key: what the cleaning read, before any review decision."""
    parts = [str(t.get("indicator") or ""), str(t.get("quote") or ""), _num(t.get("value")),
             str(t.get("unit") or ""), str(t.get("comparator") or ""), _year(t.get("year"))]
    return "T-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:10]


def task_key(task_id: int, text: str) -> str:
    """A task text's key: its number and the text as read (after repair and corrections)."""
    return f"R{int(task_id)}-" + hashlib.sha1(str(text).encode()).hexdigest()[:8]


# --------------------------------------------------------------------------- applying it


def _log(d: Decision, status: str, given: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"sheet": d.sheet, "row": d.row, "key": d.key, "decision": d.decision,
            "status": status, "note": d.note, "given": given,
            "new": {k: v for k, v in d.values.items()}, **kw}


def page_of(raw_text: str, raw_offset: Any) -> int | None:
    """The page of the raw text a character is on, when the scrape numbered its pages
    (``12、`` at a page's start; :func:`greenlib.clean.ingest.page_marker_spans`)."""
    try:
        pos = int(raw_offset)
    except (TypeError, ValueError):
        return None
    marks = [(b, int(re.search(r"\d+", raw_text[a:b]).group(0)))  # type: ignore[union-attr]
             for a, b in page_marker_spans(raw_text)]
    if not marks:
        return None
    page = max(1, marks[0][1] - 1)
    for end, n in marks:
        if end <= pos:
            page = n
    return page


def body_reading(text: str, body: str) -> str:
    """The body's sentence that says what a task text says (its reading beside a doubtful one)."""
    if not body or not text:
        return ""
    best = ""
    for piece in [p for p in text.replace("；", "。").split("。") if len(p) >= 6]:
        al = fuzz.partial_ratio_alignment(piece, body, score_cutoff=MIN_SIMILARITY)
        if al is not None:
            best += ("…" if best else "") + body[al.dest_start:al.dest_end]
    return best


def review_tasks(w: Work) -> None:
    """Step after judge_text: the book's decisions on task texts; each task's page."""
    decisions, problems = read_book(w.inputs.review_file)
    w.review = {"decisions": [], "problems": problems, "targets": decisions}
    by_key = {d.key: d for d in decisions if d.sheet == labels.REVIEW_TASK_SHEET}
    raw = w.doc.text
    for tid, c in w.cells.items():
        c.row["page"] = page_of(raw, c.row.get("raw_start"))
        key = task_key(tid, c.row["text"])
        c.row["_review_key"] = key
        d = by_key.get(key)
        if d is None:
            continue
        d.used = True
        given = {"task_id": tid, "text": c.row["text"], "text_doubt": c.row.get("text_doubt"),
                 "repairs": c.row.get("repairs") or "", "page": c.row["page"]}
        if d.decision == "correct":
            old = c.row["text"]
            c.row["text"] = d.values["text"]
            c.row.setdefault("text_edits", []).append((old, d.values["text"]))
            c.row["repairs"] = "；".join(x for x in (c.row.get("repairs") or "",
                                                     f"整句改正@审核:第{d.row}行") if x)
        c.row["text_doubtful"] = False
        w.unresolved[:] = [u for u in w.unresolved
                           if not (u["kind"] == "text_doubtful" and u.get("task_id") == tid)]
        w.review["decisions"].append(_log(d, "applied", given, task_id=tid))
    for d in by_key.values():
        if not d.used:
            w.review["decisions"].append(_log(d, "unused", {}, detail=(
                "该任务原文已与核对时不同（代码的修复或更正已改变它），此处理未采用；请按新的核对表重新确认")))


def review_targets(w: Work) -> None:
    """Inside find_targets, after the corrections: the book's decisions on target rows."""
    decisions = [d for d in getattr(w, "review", {}).get("targets", [])
                 if d.sheet == labels.REVIEW_TARGET_SHEET]
    by_key = {d.key: d for d in decisions}
    keep = []
    for t in w.targets:
        key = target_key(t)
        t["_review_key"] = key
        d = by_key.get(key)
        if d is None:
            keep.append(t)
            continue
        d.used = True
        given = {k: t.get(k) for k in ("indicator", "quote", "value", "unit", "comparator", "year",
                                       "year_guessed", "unit_guessed", "confidence", "rule")}
        w.review["decisions"].append(_log(d, "applied", given, indicator=t.get("indicator")))
        if d.decision == "reject":
            continue
        for k, v in d.values.items():
            t[k] = v
        if "unit" in d.values:
            t["unit_normalised"] = tg.normalise_unit(d.values["unit"])
        t["year_guessed"], t["unit_guessed"], t["confidence"] = False, False, 1.0
        word = labels.REVIEW_DECISION[d.decision]
        t["rule"] = f"{t.get('rule') or ''};审核:{word}".strip(";")
        t["_reviewed"] = d.decision
        keep.append(t)
    w.targets[:] = keep
    for d in decisions:
        if not d.used:
            w.review["decisions"].append(_log(d, "unused", {}, detail=(
                "核对表中的这一行已与本次读出的目标不同（原文或识别规则已改变），此处理未采用；"
                "请按新的核对表重新处理")))


def summary(w: Work, threshold: float, book: Path | None) -> dict[str, Any]:
    """quality.json ``review``: the threshold, the book read, every decision and problem, and
    the rows the next book lists (candidates and the decided ones, with what was read)."""
    rev = getattr(w, "review", {"decisions": [], "problems": []})
    decided = {d["key"] for d in rev["decisions"] if d["status"] == "applied"}
    rows = []
    for t in w.targets:
        key = t.get("_review_key")
        if key in decided:
            continue
        why = []
        conf = t.get("confidence")
        if conf is not None and not (isinstance(conf, float) and math.isnan(conf)) \
                and float(conf) < threshold:
            why.append("low")
        if t.get("year_guessed"):
            why.append("year")
        if t.get("unit_guessed"):
            why.append("unit")
        if why:
            rows.append({"key": key, "target_id": t.get("target_id"), "why": why,
                         **{k: t.get(k) for k in ("indicator", "quote", "value", "unit",
                                                  "comparator", "year", "confidence")}})
    task_rows = []
    reasons = {u.get("task_id"): u["detail"] for u in w.unresolved if u["kind"] == "text_doubtful"}
    body = w.body.text
    for tid, c in sorted(w.cells.items()):
        if not c.row.get("text_doubtful"):
            continue
        task_rows.append({"key": c.row.get("_review_key"), "task_id": tid,
                          "page": c.row.get("page"), "text_doubt": c.row.get("text_doubt"),
                          "reasons": re.sub(r"^任务原文识别存疑：|；可核对原件.*$", "",
                                            reasons.get(tid, "")), "text": c.row["text"],
                          "body": body_reading(c.row["text"], body),
                          "repairs": c.row.get("repairs") or ""})
    for p in rev["problems"]:
        w.unresolved.append({"kind": "review_invalid", "task_id": None, "raw": p.get("key") or "",
                             "detail": p["detail"]})
    return {"threshold": threshold, "book": str(book) if book and book.exists() else None,
            "decisions": rev["decisions"], "problems": rev["problems"],
            "targets": rows, "tasks": task_rows}
