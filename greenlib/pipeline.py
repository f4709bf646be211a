"""From the raw plan to the contract tables: ingest → parse → units → targets → corrections → validate.

:func:`clean_document` does the work in memory; :func:`clean_plan` (``python -m greenlib
clean``) and :func:`run_data` (``make data``) write the files. Files are written only
after validation passes, through a temporary folder, so a failed run never leaves a
half-written ``build/data/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import config, contract, corrections, repair, sectors
from . import targets as tg
from .errors import InputError
from .ingest import RawDoc, normalize, read_plan
from .parse import ParsedPlan, parse
from .units import Registry, Resolution, plausible_name, split_cell
from .validate import validate_tables

__version__ = "0.1.0"


@dataclass
class CleanResult:
    tables: dict[str, pd.DataFrame]
    quality: dict[str, Any]
    plan: ParsedPlan
    doc: RawDoc
    extra: dict[str, Any] = field(default_factory=dict)


def _years(text: str) -> str:
    ys = {int(y) for y in re.findall(r"(20[2-6]\d)年", text)}
    if re.search(r"“?十四五”?(?:期间|时期|末)", text):
        ys.add(2025)
    return ";".join(str(y) for y in sorted(ys))


def _looks_like_plan(doc: RawDoc, plan: ParsedPlan, n_targets: int) -> None:
    text = plan.norm.text
    markers = sum(w in text for w in ("目标", "任务", "实施", "方案", "意见", "规划", "推进", "加快"))
    if len(text) < 200 or markers < 3 or (not plan.tasks and not plan.main_targets
                                          and not plan.body_tasks and n_targets == 0):
        raise InputError(
            f"{doc.path}: does not look like a plan of this genre (实施方案/实施意见): found no "
            "主要目标 section, no numbered tasks and no quantitative targets "
            f"({len(text)} characters read)"
        )


def clean_document(doc: RawDoc, registry: Registry | None = None,
                   sector_map: sectors.SectorMap | None = None,
                   corrections_path: str | Path | None = None,
                   use_corrections: bool = True, open_units: bool = False) -> CleanResult:
    """Clean one plan into the contract tables (not yet written).

    ``open_units``: for another government's plan, a clean unit name that is not in the
    registry (县发展改革委) is kept as written instead of being reported unresolved.
    """
    registry = registry or Registry.load()
    sector_map = sector_map or sectors.SectorMap.load()
    corr = corrections.load(corrections_path) if use_corrections else []
    norm = normalize(doc.text)
    plan = parse(norm)
    text = norm.text
    unresolved: list[dict] = list(plan.problems)
    correction_log: list[dict] = []

    # ---------------------------------------------------------------- annex tasks
    part_titles = {h.number: h.title for h in plan.parts}
    section_titles = {h.number: h.title for h in plan.sections}
    task_rows: dict[int, dict] = {}
    text_offsets: dict[int, list[int]] = {}
    split_texts: dict[int, str] = {}
    items_by_task: dict[int, list[dict]] = {}
    for t in plan.tasks:
        cell = text[t.body_start:t.end].rstrip()
        split = split_cell(cell, registry, open_units)
        items = []
        for it in split.items:
            res = registry.resolve(it.raw)
            if res.unit is None and open_units and plausible_name(it.raw):
                res = Resolution(it.raw, it.raw, "verbatim", 100.0)
            a, b = it.spans[0]
            rs, re_ = norm.raw_span(t.body_start + a, t.body_start + b)
            items.append({"raw": it.raw, "unit": res.unit, "method": res.method, "score": res.score,
                          "candidates": res.candidates, "raw_start": rs, "raw_end": re_})
        items_by_task[t.task_id] = items
        raw_start, raw_end = norm.raw_span(t.start, t.end)
        # normalised offset of every character of the task text (for target spans)
        split_texts[t.task_id] = split.text
        text_offsets[t.task_id] = [t.body_start + j for a, b in split.text_spans for j in range(a, b)]
        body = split.text
        task_rows[t.task_id] = {
            "task_id": t.task_id, "part": t.part, "part_title": part_titles.get(t.part, ""),
            "section": t.section, "section_title": section_titles.get(t.section, ""),
            "sector": sector_map.sector_of(t.section, section_titles.get(t.section, "")),
            "text": body, "raw_start": raw_start, "raw_end": raw_end,
            "raw_text": doc.text[raw_start:raw_end],
        }
    # OCR damage in the annex text, repaired from the body where it says the same thing
    body_sentences = [s for bt in plan.body_tasks for s in repair.sentences(text[bt.start:bt.end])]
    counts = Counter(text)
    n_repairs = 0
    for row in task_rows.values():
        rep = repair.repair_text(row["text"], body_sentences, counts)
        row["text_ocr"] = row["text"]
        row["text"] = rep.text
        row["repairs"] = "；".join(f"{a or '∅'}→{b or '∅'}" for a, b in rep.edits)
        n_repairs += len(rep.edits)
    correction_log += corrections.apply_unit_corrections(items_by_task, corr, set(registry.units))
    correction_log += corrections.apply_task_corrections(task_rows, corr)

    tu_rows: list[dict] = []
    for tid, items in items_by_task.items():
        pos = 0
        for it in items:
            if not it["unit"]:
                unresolved.append({
                    "kind": "unit_unresolved", "task_id": tid, "raw": it["raw"],
                    "detail": "该写法无法对应到标准单位名称"
                    + (f"（最接近：{'、'.join(it['candidates'])}）" if it["candidates"] else "")
                    + "；请在 data/reference/corrections.yaml 中裁定"})
                continue
            if any(r["task_id"] == tid and r["unit"] == it["unit"] for r in tu_rows):
                unresolved.append({"kind": "unit_repeated", "task_id": tid, "raw": it["raw"],
                                   "detail": f"{it['unit']}重复列出，只保留一次"})
                continue
            pos += 1
            tu_rows.append({"task_id": tid, "unit": it["unit"], "role": "lead" if pos == 1 else "co",
                            "position": pos, "raw": it["raw"], "method": it["method"],
                            "score": it["score"], "raw_start": it["raw_start"],
                            "raw_end": it["raw_end"]})
        if pos == 0:
            unresolved.append({"kind": "task_without_units", "task_id": tid, "raw": "",
                               "detail": "抓取稿中该任务没有责任单位；如能查到原件，"
                                         "可在 corrections.yaml 中用 add 补充"})
    task_units = pd.DataFrame(tu_rows, columns=[*contract.REQUIRED_COLUMNS[contract.TASK_UNITS],
                                                "method", "score", "raw_start", "raw_end"])

    # ---------------------------------------------------------------- targets
    found: list[tg.Target] = []
    if plan.main_targets:
        a, b = plan.main_targets
        found += _shift(tg.extract(text[a:b], "main_targets"), a)
    covered = [plan.main_targets] if plan.main_targets else []
    for bt in plan.body_tasks:
        found += _shift(tg.extract(text[bt.start:bt.end], "body", region=bt.number), bt.start)
        covered.append((bt.start, bt.end))
    # the rest of the body (总体要求, 保障措施 …): an unseen plan may state targets anywhere
    body_end = plan.body[1]
    pos = 0
    for a, b in sorted(covered):
        if a > pos:
            found += _shift(tg.extract(text[pos:a], "body"), pos)
        pos = max(pos, b)
    if pos < body_end:
        found += _shift(tg.extract(text[pos:body_end], "body"), pos)
    for t in plan.tasks:
        row = task_rows[t.task_id]
        offs = text_offsets[t.task_id]
        to_ocr = repair.position_map(row["text"], row["text_ocr"])
        for x in tg.extract(row["text"], "annex", region=t.task_id):
            x.task_ids = [t.task_id]
            # offsets into the cleaned task text → OCR text → normalised text (a span that
            # crossed a unit cell is widened to cover it)
            a, b = to_ocr[x.start], to_ocr[x.end]
            if offs and row["text_ocr"] == split_texts[t.task_id] and b > a:
                x.start, x.end = offs[a], offs[min(b, len(offs)) - 1] + 1
            else:
                x.start, x.end = -1, -1
            found.append(x)
    merged = _merge_targets(found)
    target_rows = []
    for x in merged:
        sector = _target_sector(x, task_rows, plan, sector_map)
        quote_span = (x.start, x.end) if x.start >= 0 else None
        rs, re_ = norm.raw_span(*quote_span) if quote_span else (None, None)
        target_rows.append({
            "indicator": x.indicator, "value": x.value, "unit": x.unit, "comparator": x.comparator,
            "year": x.year, "sector": sector, "source": x.source,
            "task_ids": ";".join(str(i) for i in sorted(set(x.task_ids))), "quote": x.quote,
            "sources": ";".join(dict.fromkeys(x.sources or [x.source])), "rule": x.rule,
            "body_task": x.region if x.source == "body" else None,
            "raw_start": rs, "raw_end": re_,
        })
    correction_log += corrections.apply_target_corrections(target_rows, corr)
    for i, r in enumerate(target_rows, start=1):
        r["target_id"] = f"T{i:02d}"
        if r.get("year") in (None, "") or pd.isna(r.get("year")):
            ids = [int(i) for i in str(r["task_ids"] or "").split(";") if i.isdigit()]
            unresolved.append({"kind": "target_without_year", "task_id": ids[0] if ids else None,
                               "raw": r["quote"], "detail": f"{r['target_id']}：原文未写明目标年份"})
    tcols = [*contract.REQUIRED_COLUMNS[contract.TARGETS], "sources", "rule", "body_task",
             "raw_start", "raw_end"]
    targets_df = pd.DataFrame(target_rows, columns=tcols)
    targets_df["value"] = targets_df["value"].astype(float)
    targets_df["year"] = pd.array(targets_df["year"], dtype="Int64")
    targets_df["body_task"] = pd.array(targets_df["body_task"], dtype="Int64")
    targets_df["raw_start"] = pd.array(targets_df["raw_start"], dtype="Int64")
    targets_df["raw_end"] = pd.array(targets_df["raw_end"], dtype="Int64")

    # qualitative goals of the main targets (the 2035 vision): every deadline, not only numbers
    goal_rows = []
    if plan.main_targets:
        a0 = plan.main_targets[0]
        for i, g in enumerate(tg.extract_goals(text[a0:plan.main_targets[1]]), start=1):
            rs, re_ = norm.raw_span(a0 + g.start, a0 + g.end)
            goal_rows.append({"goal_id": f"G{i:02d}", "year": g.year, "text": g.text,
                              "source": "main_targets", "raw_start": rs, "raw_end": re_})
    goals_df = pd.DataFrame(goal_rows, columns=["goal_id", "year", "text", "source", "raw_start",
                                                "raw_end"])
    goals_df["year"] = pd.array(goals_df["year"], dtype="Int64")

    _looks_like_plan(doc, plan, len(targets_df))

    # ---------------------------------------------------------------- tasks table
    years_by_task: dict[int, str] = {tid: _years(r["text"]) for tid, r in task_rows.items()}
    lead = {r["task_id"]: r["unit"] for r in tu_rows if r["role"] == "lead"}
    co: dict[int, list[str]] = {}
    for r in tu_rows:
        if r["role"] == "co":
            co.setdefault(r["task_id"], []).append(r["unit"])
    task_list = []
    for tid in sorted(task_rows):
        r = task_rows[tid]
        task_list.append({**{k: r[k] for k in ("task_id", "part", "part_title", "section",
                                               "section_title", "sector", "text")},
                          "lead_unit": lead.get(tid), "years": years_by_task[tid] or None,
                          "raw_start": r["raw_start"], "raw_end": r["raw_end"],
                          "co_units": ";".join(co.get(tid, [])),
                          "sector_name": sector_map.name_of(r["sector"]),
                          "text_ocr": r["text_ocr"], "repairs": r["repairs"],
                          "raw_text": r["raw_text"]})
    tasks_df = pd.DataFrame(task_list, columns=[*contract.REQUIRED_COLUMNS[contract.TASKS],
                                                "co_units", "sector_name", "text_ocr", "repairs",
                                                "raw_text"])

    # ---------------------------------------------------------------- units table
    urows = []
    extra_units = sorted(set(task_units["unit"]) - set(registry.units))
    for u in [*registry.units, *extra_units]:
        n_lead = int(((task_units["unit"] == u) & (task_units["role"] == "lead")).sum())
        n_co = int(((task_units["unit"] == u) & (task_units["role"] == "co")).sum())
        if n_lead or n_co:
            urows.append({"unit": u, "full_name": registry.full_name(u) or u,
                          "kind": registry.kind(u) or "未登记（按原文）",
                          "n_lead": n_lead, "n_co": n_co, "n_tasks": n_lead + n_co})
    units_df = pd.DataFrame(urows, columns=[*contract.REQUIRED_COLUMNS[contract.UNITS], "n_tasks"])
    units_df = units_df.sort_values(["n_tasks", "n_lead", "unit"], ascending=[False, False, True],
                                    ignore_index=True)

    tables = {contract.TASKS: tasks_df, contract.TASK_UNITS: task_units, contract.UNITS: units_df,
              contract.TARGETS: targets_df, GOALS: goals_df}
    quality = {
        "input": {"path": str(doc.path), "sha256": doc.sha256, "encoding": doc.encoding,
                  "characters": len(doc.text), "traditional_converted": norm.traditional},
        "title": plan.title,
        "counts": {
            "tasks": len(tasks_df), "parts": len(plan.parts), "sections": len(plan.sections),
            "body_key_tasks": len(plan.body_tasks), "units": len(units_df),
            "task_units": len(task_units), "targets": len(targets_df), "goals": len(goals_df),
            "targets_by_source": targets_df["source"].value_counts().to_dict(),
            "corrections_applied": sum(c["status"] == "applied" for c in correction_log),
            "corrections_unused": sum(c["status"] == "unused" for c in correction_log),
            "unresolved": len(unresolved),
        },
        "normalisation": dict(norm.rules) | {"text_repaired_from_body": n_repairs},
        "unit_matching": task_units["method"].value_counts().to_dict() if len(task_units) else {},
        "corrections": correction_log,
        "unresolved": unresolved,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "greenlib_version": __version__,
    }
    return CleanResult(tables=tables, quality=quality, plan=plan, doc=doc,
                       extra={"registry": registry, "sector_map": sector_map})


def _shift(ts: list[tg.Target], base: int) -> list[tg.Target]:
    for t in ts:
        t.start += base
        t.end += base
    return ts


_SOURCE_RANK = {"main_targets": 0, "body": 1, "annex": 2}


def _merge_targets(found: list[tg.Target]) -> list[tg.Target]:
    """One row per commitment: a target stated in the main targets, body and annex is one row.

    The wording kept is the most authoritative one (main targets, then body, then annex:
    the body is also the cleanest text of the scrape); task ids are pooled.
    """
    out: list[tg.Target] = []
    for t in sorted(found, key=lambda x: _SOURCE_RANK[x.source]):
        for o in out:
            if tg.same_target(o, t) and (o.source != t.source or (o.source == "annex"
                                         and o.task_ids != t.task_ids)):
                o.task_ids = sorted(set(o.task_ids) | set(t.task_ids))
                o.sources = list(dict.fromkeys([*(o.sources or [o.source]), t.source]))
                if o.year is None:
                    o.year = t.year
                break
        else:
            t.sources = [t.source]
            out.append(t)
    return out


def _target_sector(t: tg.Target, task_rows: dict[int, dict], plan: ParsedPlan,
                   sector_map: sectors.SectorMap) -> str:
    if t.task_ids:
        return task_rows[t.task_ids[0]]["sector"]
    if t.source == "body" and t.region and any(h.number == t.region for h in plan.sections):
        return sector_map.sector_of(t.region, "")
    return sector_map.sector_of_indicator(t.indicator)


# -------------------------------------------------------------------- writing

#: Extra file (not in the contract): qualitative goals of the main targets, e.g. the 2035 vision.
GOALS = "goals.csv"

CN_HEADERS = {
    GOALS: {"goal_id": "编号", "year": "目标年份", "text": "目标表述", "source": "出处",
            "raw_start": "原文起点", "raw_end": "原文终点"},
    contract.TASKS: {"task_id": "任务编号", "part": "部分", "part_title": "部分名称", "section": "章节",
                     "section_title": "章节名称", "sector": "领域代码", "sector_name": "领域",
                     "text": "重点任务", "lead_unit": "牵头单位", "co_units": "配合单位",
                     "years": "目标年份", "raw_start": "原文起点", "raw_end": "原文终点",
                     "text_ocr": "识别原文(修复前)", "repairs": "据正文修复", "raw_text": "原文"},
    contract.TASK_UNITS: {"task_id": "任务编号", "unit": "责任单位", "role": "角色",
                          "position": "排序", "raw": "原文写法", "method": "匹配方式",
                          "score": "匹配得分", "raw_start": "原文起点", "raw_end": "原文终点"},
    contract.UNITS: {"unit": "责任单位", "full_name": "全称", "kind": "类型", "n_lead": "牵头任务数",
                     "n_co": "配合任务数", "n_tasks": "任务总数"},
    contract.TARGETS: {"target_id": "目标编号", "indicator": "指标", "value": "目标值",
                       "unit": "单位", "comparator": "比较方式", "year": "目标年份",
                       "sector": "领域代码", "source": "出处", "task_ids": "相关任务",
                       "quote": "原文表述", "sources": "全部出处", "rule": "抽取规则",
                       "body_task": "正文任务序号", "raw_start": "原文起点", "raw_end": "原文终点"},
    contract.STATUS: {"target_id": "目标编号", "as_of": "评估日期", "geo": "地区",
                      "baseline_year": "基期年份", "baseline_value": "基期值",
                      "latest_year": "最新年份", "latest_value": "最新值", "status": "进展评级",
                      "rule": "评级依据"},
}
SHEET_NAMES = {GOALS: "定性目标",
               contract.TASKS: "重点任务", contract.TASK_UNITS: "任务分工", contract.UNITS: "责任单位",
               contract.TARGETS: "量化目标", contract.STATUS: "目标进展"}


def data_version(tables: dict[str, pd.DataFrame]) -> str:
    """Short content hash of the contract tables (shown in reports and the index)."""
    h = hashlib.sha256()
    for name in sorted(tables):
        h.update(name.encode())
        h.update(tables[name].to_csv(index=False).encode("utf-8"))
    return h.hexdigest()[:12]


def quality_markdown(q: dict[str, Any]) -> str:
    c = q["counts"]
    lines = [f"# 数据质量报告 / Data quality: {q.get('title', '')}", "",
             f"- 输入: `{q['input']['path']}` (sha256 `{q['input']['sha256'][:16]}…`, "
             f"{q['input']['characters']} 字符, 编码 {q['input']['encoding']})",
             f"- 任务 {c['tasks']} 项, 部分 {c['parts']}, 章节 {c['sections']}, 责任单位 {c['units']} 个, "
             f"任务-单位 {c['task_units']} 对, 量化目标 {c['targets']} 项",
             f"- 人工校正: 已应用 {c['corrections_applied']}, 未使用 {c['corrections_unused']}; "
             f"待解决 {c['unresolved']}",
             f"- 生成时间 {q['generated_at']}, 数据版本 `{q.get('data_version', '')}`", "",
             "## 自动清洗规则 (次数)", ""]
    lines += [f"- {k}: {v}" for k, v in q["normalisation"].items()]
    lines += ["", "## 单位匹配方式", ""] + [f"- {k}: {v}" for k, v in q["unit_matching"].items()]
    lines += ["", "## 人工校正 (data/reference/corrections.yaml)", "",
              "| id | 状态 | 表 | 任务 | 字段 | 原值 | 新值 | 理由 |", "|---|---|---|---|---|---|---|---|"]
    for r in q["corrections"]:
        lines.append(f"| {r['id']} | {r['status']} | {r['table']} | {r.get('task_id') or ''} | "
                     f"{r.get('field') or ''} | {r.get('old') or ''} | {r.get('new') or ''} | "
                     f"{r['reason']} {r.get('detail') or ''} |")
    lines += ["", "## 待解决 (unresolved)", "", "| 类型 | 任务 | 原文 | 说明 |", "|---|---|---|---|"]
    for r in q["unresolved"]:
        lines.append(f"| {r['kind']} | {r.get('task_id') or ''} | {r.get('raw') or ''} | {r['detail']} |")
    return "\n".join(lines) + "\n"


def write_outputs(res: CleanResult, out: str | Path, status: pd.DataFrame | None = None) -> Path:
    """Validate, then write the contract files, plan.xlsx and quality.{json,md} to ``out``."""
    out = Path(out)
    tables = dict(res.tables)
    if status is not None:
        tables[contract.STATUS] = status
    res.quality["data_version"] = data_version(tables)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out))
    try:
        for name, df in tables.items():
            df.to_csv(tmp / name, index=False, encoding="utf-8")
        (tmp / contract.QUALITY).write_text(json.dumps(res.quality, ensure_ascii=False, indent=2,
                                                       default=str), encoding="utf-8")
        (tmp / "quality.md").write_text(quality_markdown(res.quality), encoding="utf-8")
        with pd.ExcelWriter(tmp / "plan.xlsx", engine="openpyxl") as xw:
            for name, df in tables.items():
                df.rename(columns=CN_HEADERS.get(name, {})).to_excel(
                    xw, sheet_name=SHEET_NAMES.get(name, name[:31]), index=False)
            pd.DataFrame(res.quality["corrections"]).to_excel(xw, sheet_name="人工校正", index=False)
            pd.DataFrame(res.quality["unresolved"]).to_excel(xw, sheet_name="待解决", index=False)
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def clean_plan(input_path: str | Path, out: str | Path, quiet: bool = False) -> CleanResult:
    """``python -m greenlib clean INPUT --out DIR``: any plan of this genre to contract CSVs."""
    t0 = time.perf_counter()
    doc = read_plan(input_path)
    # corrections are written for *this* district's plan; another plan gets none
    is_ours = Path(input_path).resolve() == config.RAW_PLAN.resolve()
    res = clean_document(doc, use_corrections=is_ours, open_units=not is_ours)
    validate(res, open_units=not is_ours)
    write_outputs(res, out)
    if not quiet:
        _summary(res, out, time.perf_counter() - t0)
    return res


def validate(res: CleanResult, open_units: bool = False) -> None:
    """Validate the tables against the registry and sector map the cleaning used.

    With ``open_units`` (another government's plan) the units kept as written are canonical.
    """
    units = set(res.extra["registry"].units)
    if open_units:
        units |= set(res.tables[contract.TASK_UNITS]["unit"])
    validate_tables(res.tables, units, res.extra["sector_map"].slugs)


def _summary(res: CleanResult, out: str | Path, seconds: float) -> None:
    c = res.quality["counts"]
    print(f"greenlib: {res.doc.path.name}: {c['tasks']} tasks, {c['task_units']} task-unit pairs, "
          f"{c['units']} units, {c['targets']} targets; corrections applied {c['corrections_applied']}, "
          f"unused {c['corrections_unused']}; unresolved {c['unresolved']} → {out} "
          f"({seconds:.2f}s)", file=sys.stderr)


def run_data(as_of: str | None = None, out: str | Path | None = None) -> CleanResult:
    """``make data``: the district plan into build/data/, with status.csv from monitoring data."""
    t0 = time.perf_counter()
    out = Path(out) if out else config.BUILD_DATA
    doc = read_plan(config.RAW_PLAN)
    res = clean_document(doc)
    validate(res)
    status = None
    try:
        from . import status as status_mod
    except ImportError:  # pragma: no cover - the module ships with greenlib
        status_mod = None
    if status_mod is not None and hasattr(status_mod, "build_status"):
        status = status_mod.build_status(res.tables[contract.TARGETS], as_of or config.DEFAULT_AS_OF)
    write_outputs(res, out, status=status)
    _summary(res, out, time.perf_counter() - t0)
    return res
