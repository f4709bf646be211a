"""The clean stage: a raw plan → the contract tables, in named steps.

Shaped as owid/etl steps are: **load inputs** (:func:`load_inputs`: the raw text and the
plan's reference data), **process** (:func:`clean_document`: parse → annex tasks →
repair → corrections → units → targets → goals → tables → quality) and **save outputs**
(:func:`greenlib.clean.outputs.write_outputs`, only after validation passes). Each step
is a small function over one :class:`Work` record instead of a long function passing
dicts around.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import pandas as pd

from .. import contract
from .. import plan as plan_mod
from ..errors import InputError
from . import completeness, corrections, doubt, magnitude, repair, sectors, wordcheck, wordings
from . import targets as tg
from .ingest import Normalized, RawDoc, normalize, read_plan
from .parse import ParsedPlan, parse
from .units import Registry, Resolution, split_cell
from .validate import validate_tables

__version__ = "0.2.0"


# --------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """Everything the cleaning reads besides the text: the plan's reference data."""

    registry: Registry
    sector_map: sectors.SectorMap
    corrections: list[corrections.Correction]
    #: another government's plan: a clean unit name outside the registry is kept as written
    open_units: bool
    periods: dict[str, int]
    #: the files the checks name in their messages, and the user's acceptance of a plan
    #: known to be incomplete (None: an incomplete plan is refused)
    corrections_file: Path | None = None
    sectors_file: Path | None = None
    accept_incomplete: str | None = None


def load_inputs(plan: plan_mod.Plan | None) -> Inputs:
    """The plan's registry, sector map and corrections; without a profile, neutral ones."""
    if plan is None or not plan.reference.exists():
        return Inputs(Registry.load(None), sectors.SectorMap.empty(), [], True,
                      dict(tg.DEFAULT_PERIODS) if plan is None else plan.named_periods)
    reg = Registry.load(plan.units_registry if plan.units_registry.exists() else None)
    smap = (sectors.SectorMap.load(plan.sectors_map, plan.indicator_sectors)
            if plan.sectors_map.exists() else sectors.SectorMap.empty())
    accept = plan.get("accept_incomplete")
    return Inputs(reg, smap, corrections.load(plan.corrections),
                  open_units=not plan.units_registry.exists(), periods=plan.named_periods,
                  corrections_file=plan.corrections,
                  sectors_file=plan.sectors_map if plan.sectors_map.exists() else None,
                  accept_incomplete=str(accept) if accept else None)


@dataclass
class CleanResult:
    tables: dict[str, pd.DataFrame]
    quality: dict[str, Any]
    plan: ParsedPlan
    doc: RawDoc
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- work record


@dataclass
class AnnexCell:
    """One annex task while it is being cleaned."""

    row: dict[str, Any]
    #: the cell's text without unit names, and the normalised offset of each of its characters
    split_text: str
    offsets: list[int]
    items: list[dict[str, Any]]


@dataclass
class Work:
    doc: RawDoc
    norm: Normalized
    plan: ParsedPlan
    inputs: Inputs
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    correction_log: list[dict[str, Any]] = field(default_factory=list)
    cells: dict[int, AnnexCell] = field(default_factory=dict)
    task_units: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    n_repairs: int = 0
    title_repairs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.norm.text


# --------------------------------------------------------------------------- steps


def _title_name(w: Work, kind: str, number: int, raw: str) -> str:
    """A part or section heading as the fixed heading it nearly says; each change is logged."""
    name, source = wordings.clean_title(raw)
    if source:
        w.title_repairs.append({"kind": kind, "number": number, "raw": raw, "name": name,
                                "source": source.replace("wording:", "词表:")})
    return name


def read_annex(w: Work) -> None:
    """Annex tasks: each cell split into task text and unit names, with raw offsets."""
    part_titles = {h.number: h.title for h in w.plan.parts}
    section_titles = {h.number: h.title for h in w.plan.sections}
    part_names = {n: _title_name(w, "part", n, t) for n, t in part_titles.items()}
    section_names = {n: _title_name(w, "section", n, t) for n, t in section_titles.items()}
    smap, reg = w.inputs.sector_map, w.inputs.registry
    for t in w.plan.tasks:
        cell = w.text[t.body_start:t.end].rstrip()
        split = split_cell(cell, reg, w.inputs.open_units)
        items = []
        for it in split.items:
            res = reg.resolve(it.raw)
            if res.unit is None and w.inputs.open_units and reg.plausible_name(it.raw):
                res = Resolution(it.raw, it.raw, "verbatim", 100.0)
            a, b = it.spans[0]
            rs, re_ = w.norm.raw_span(t.body_start + a, t.body_start + b)
            items.append({"raw": it.raw, "unit": res.unit, "method": res.method, "score": res.score,
                          "candidates": res.candidates, "raw_start": rs, "raw_end": re_})
        raw_start, raw_end = w.norm.raw_span(t.start, t.end)
        title = section_titles.get(t.section, "")
        row = {
            "task_id": t.task_id, "part": t.part, "part_title": part_titles.get(t.part, ""),
            "part_name": part_names.get(t.part, ""),
            "section": t.section, "section_title": title,
            # the clean title the analysts typed into the sector map (the scrape's may be garbled),
            # else the genre's fixed heading it nearly says
            "section_name": smap.titles.get(t.section) or section_names.get(t.section, title),
            "sector": smap.sector_of(t.section, title),
            "text": split.text, "raw_start": raw_start, "raw_end": raw_end,
            "raw_text": w.doc.text[raw_start:raw_end],
        }
        offsets = [*chain.from_iterable(range(t.body_start + a, t.body_start + b)
                                        for a, b in split.text_spans)]
        w.cells[t.task_id] = AnnexCell(row, split.text, offsets, items)


def check_complete(w: Work) -> None:
    """Every section mapped, the annex whole (or accepted), every correction's task there."""
    inp = w.inputs
    completeness.check_sectors(w.plan, inp.sector_map.by_section, inp.sectors_file)
    completeness.check_annex(w.plan, w.doc.path, inp.accept_incomplete, w.warnings)
    completeness.check_corrections(inp.corrections, set(w.cells), inp.corrections_file,
                                   accepted_incomplete=bool(inp.accept_incomplete))


def repair_annex(w: Work) -> None:
    """OCR damage in the annex text, repaired from the body where it says the same thing
    and from the genre's fixed wordings; each repair names its source (raw offset or wording)."""
    body = repair.Body.of([(bt.start, w.text[bt.start:bt.end]) for bt in w.plan.body_tasks])
    counts = Counter(w.text)
    for c in w.cells.values():
        rep = repair.repair_text(c.row["text"], body, counts)
        c.row["text_ocr"] = c.row["text"]
        c.row["text"] = rep.text
        # body offsets → raw offsets (what a reader can look up in the raw file)
        srcs = [f"原文:{w.norm.raw_span(int(s[5:]), int(s[5:]) + 1)[0]}" if s.startswith("body:")
                else s.replace("wording:", "词表:") for s in rep.sources]
        c.row["repairs"] = "；".join(f"{repair.show(a)}→{repair.show(b)}@{s}"
                                    for (a, b), s in zip(rep.edits, srcs, strict=True))
        c.row["text_edits"] = list(rep.edits)
        w.n_repairs += len(rep.edits)


def judge_text(w: Work) -> None:
    """How doubtful each task text still is after repair and corrections (原文识别存疑)."""
    counts = Counter(w.text)
    body = repair.Body.of([(bt.start, w.text[bt.start:bt.end]) for bt in w.plan.body_tasks])
    plan_bigrams = wordcheck.bigrams(w.text)
    garbles = doubt.body_garbles([c.row["text"] for c in w.cells.values()], body)
    for tid, c in w.cells.items():
        d = doubt.doubt(c.row["text"], counts, body, plan_bigrams, c.row.get("text_edits", ()),
                         garbles=garbles)
        c.row["text_doubt"], c.row["text_doubtful"] = d.score, d.doubtful
        if d.doubtful:
            w.unresolved.append({"kind": "text_doubtful", "task_id": tid, "raw": c.row["text"],
                                 "detail": "任务原文识别存疑：" + "；".join(d.reasons)
                                 + "；可核对原件后在 reference/corrections.yaml 中用 replace 改正"})


def correct_annex(w: Work) -> None:
    """The analysts' reviewed corrections of units and task fields."""
    items = {tid: c.items for tid, c in w.cells.items()}
    rows = {tid: c.row for tid, c in w.cells.items()}
    w.correction_log += corrections.apply_unit_corrections(items, w.inputs.corrections,
                                                           set(w.inputs.registry.units))
    w.correction_log += corrections.apply_task_corrections(rows, w.inputs.corrections)


def assign_units(w: Work) -> None:
    """Task–unit pairs: the first unit listed leads, the others co-operate."""
    for tid, c in w.cells.items():
        pos = 0
        seen: set[str] = set()
        for it in c.items:
            if not it["unit"]:
                w.unresolved.append({
                    "kind": "unit_unresolved", "task_id": tid, "raw": it["raw"],
                    "detail": "该写法无法对应到标准单位名称"
                    + (f"（最接近：{'、'.join(it['candidates'])}）" if it["candidates"] else "")
                    + "；请在规划的 reference/corrections.yaml 中裁定"})
                continue
            if it["unit"] in seen:
                w.unresolved.append({"kind": "unit_repeated", "task_id": tid, "raw": it["raw"],
                                     "detail": f"{it['unit']}重复列出，只保留一次"})
                continue
            seen.add(it["unit"])
            pos += 1
            w.task_units.append({"task_id": tid, "unit": it["unit"],
                                 "role": "lead" if pos == 1 else "co", "position": pos,
                                 "raw": it["raw"], "method": it["method"], "score": it["score"],
                                 "raw_start": it["raw_start"], "raw_end": it["raw_end"]})
        if pos == 0:
            w.unresolved.append({"kind": "task_without_units", "task_id": tid, "raw": "",
                                 "detail": "抓取稿中该任务没有责任单位；如能查到原件，"
                                           "可在 corrections.yaml 中用 add 补充"})


def _shift(ts: list[tg.Target], base: int) -> list[tg.Target]:
    for t in ts:
        t.start += base
        t.end += base
    return ts


def find_targets(w: Work) -> None:
    """Quantitative targets of the main-targets passage, the body and the annex, merged."""
    text, plan, periods = w.text, w.plan, w.inputs.periods
    # the year the whole text plans from: what ends before it is a review, not a target
    horizon = tg.horizon_year(text, periods)

    def extract(passage: str, source: str, region: int | None = None) -> list[tg.Target]:
        return tg.extract(passage, source, region=region, periods=periods, horizon=horizon)

    found: list[tg.Target] = []
    if plan.main_targets:
        a, b = plan.main_targets
        found += _shift(extract(text[a:b], "main_targets"), a)
    covered = [plan.main_targets] if plan.main_targets else []
    for bt in plan.body_tasks:
        found += _shift(extract(text[bt.start:bt.end], "body", bt.number), bt.start)
        covered.append((bt.start, bt.end))
    # the rest of the body (总体要求, 保障措施 …): an unseen plan may state targets anywhere
    body_end = plan.body[1]
    pos = 0
    for a, b in sorted(covered):
        if a > pos:
            found += _shift(extract(text[pos:a], "body"), pos)
        pos = max(pos, b)
    if pos < body_end:
        found += _shift(extract(text[pos:body_end], "body"), pos)
    for t in plan.tasks:
        c = w.cells[t.task_id]
        if not (xs := extract(c.row["text"], "annex", t.task_id)):
            continue  # (most tasks: no positions to map)
        to_ocr = (list(range(len(c.row["text"]) + 1)) if c.row["text"] == c.row["text_ocr"]
                  else repair.position_map(c.row["text"], c.row["text_ocr"]))
        for x in xs:
            x.task_ids = [t.task_id]
            # offsets into the cleaned task text → OCR text → normalised text (a span that
            # crossed a unit cell is widened to cover it)
            a, b = to_ocr[x.start], to_ocr[x.end]
            if c.offsets and c.row["text_ocr"] == c.split_text and b > a:
                x.start, x.end = c.offsets[a], c.offsets[min(b, len(c.offsets)) - 1] + 1
            else:
                x.start, x.end = -1, -1
            found.append(x)
    for x in merge_targets(found):
        rs, re_ = w.norm.raw_span(x.start, x.end) if x.start >= 0 else (None, None)
        w.targets.append({
            "indicator": x.indicator, "value": x.value, "unit": x.unit, "comparator": x.comparator,
            "year": x.year, "sector": _target_sector(x, w), "source": x.source,
            "task_ids": ";".join(str(i) for i in sorted(set(x.task_ids))), "quote": x.quote,
            "sources": ";".join(dict.fromkeys(x.sources or [x.source])), "rule": x.rule,
            "body_task": x.region if x.source == "body" else None,
            "raw_start": rs, "raw_end": re_, "value_high": x.value_high,
        })
    log = corrections.apply_target_corrections(
        w.targets, w.inputs.corrections,
        {tid: c.row.get("text_edits", []) for tid, c in w.cells.items()})
    completeness.check_target_corrections(log, w.inputs.corrections, w.targets,
                                          w.inputs.corrections_file,
                                          accepted_incomplete=bool(w.inputs.accept_incomplete))
    w.correction_log += log
    for i, r in enumerate(w.targets, start=1):
        r["target_id"] = f"T{i:02d}"
    for r in w.targets:
        if r.get("year") in (None, "") or pd.isna(r.get("year")):
            ids = [int(i) for i in str(r["task_ids"] or "").split(";") if i.isdigit()]
            w.unresolved.append({"kind": "target_without_year", "task_id": ids[0] if ids else None,
                                 "raw": r["quote"], "detail": f"{r['target_id']}：原文未写明目标年份"})
    w.unresolved += magnitude.suspects(w.targets)


_SOURCE_RANK = {"main_targets": 0, "body": 1, "annex": 2}


def merge_targets(found: list[tg.Target]) -> list[tg.Target]:
    """One row per commitment: a target stated in the main targets, body and annex is one row.

    The wording kept is the most authoritative one (main targets, then body, then annex:
    the body is also the cleanest text of the scrape); task ids are pooled.
    """
    out: list[tg.Target] = []
    # only targets of the same unit and value can be the same (tg.same_target): bucket by
    # them, so a long plan is not compared pair by pair (first match in order, as before)
    buckets: dict[tuple[str, float], list[tg.Target]] = {}
    for t in sorted(found, key=lambda x: _SOURCE_RANK[x.source]):
        bucket = buckets.setdefault((t.unit, round(float(t.value), 6)), [])
        for o in bucket:
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
            bucket.append(t)
    return out


def _target_sector(t: tg.Target, w: Work) -> str:
    smap = w.inputs.sector_map
    if t.task_ids:
        return w.cells[t.task_ids[0]].row["sector"]
    if t.source == "body" and t.region and any(h.number == t.region for h in w.plan.sections):
        return smap.sector_of(t.region, "")
    return smap.sector_of_indicator(t.indicator)


def find_goals(w: Work) -> None:
    """Qualitative goals of the main targets (the long-term vision): every deadline."""
    if not w.plan.main_targets:
        return
    a0, b0 = w.plan.main_targets
    for i, g in enumerate(tg.extract_goals(w.text[a0:b0]), start=1):
        rs, re_ = w.norm.raw_span(a0 + g.start, a0 + g.end)
        w.goals.append({"goal_id": f"G{i:02d}", "year": g.year, "text": g.text,
                        "source": "main_targets", "raw_start": rs, "raw_end": re_})


PLAN_WORDS = ("目标", "任务", "实施", "方案", "意见", "规划", "推进", "加快")


def check_genre(w: Work) -> None:
    """Refuse only a text that yields nothing and does not read like a plan, naming the file.

    A short news copy of a 规划 or 意见 has few of the genre's words but states targets:
    it is cleaned, with a warning (quality["warnings"], also printed), not refused.
    """
    import sys

    text = w.text
    markers = sum(m in text for m in PLAN_WORDS)
    yields = bool(w.plan.tasks or w.plan.main_targets or w.plan.body_tasks or w.targets)
    if not yields and (len(text) < 200 or markers < 3):
        raise InputError(
            f"{w.doc.path}: 看起来不是实施方案/实施意见类规划：没有找到“主要目标”段落、"
            f"编号的重点任务或量化目标（共读到 {len(text)} 个字符）")
    msg = None
    if not yields:
        msg = "没有找到“主要目标”段落、编号的重点任务或量化目标；请核对输入是否为规划原文"
    elif len(text) < 200 or markers < 3:
        msg = (f"文本较短或规划用语较少（{len(text)} 个字符，{markers} 个规划用语），"
               f"可能是新闻稿或摘录；已按规划抽取 {len(w.targets)} 项量化目标，请核对")
    if msg:
        w.warnings.append({"kind": "genre", "detail": f"{w.doc.path.name}：{msg}"})
        print(f"greenlib clean: 提示：{w.doc.path.name}：{msg}", file=sys.stderr)


def _years(text: str, periods: dict[str, int]) -> str:
    ys = {int(y) for y in re.findall(r"(20[2-6]\d)年", text)}
    py = tg.period_year(text, periods)
    if py is not None:
        ys.add(py)
    return ";".join(str(y) for y in sorted(ys))


# --------------------------------------------------------------------------- tables

TASK_EXTRA = ["co_units", "sector_name", "text_ocr", "repairs", "raw_text", "section_name",
              "text_doubt", "text_doubtful", "part_name"]
TARGET_EXTRA = ["sources", "rule", "body_task", "raw_start", "raw_end", "value_high"]
TASK_UNIT_EXTRA = ["method", "score", "raw_start", "raw_end"]
GOAL_COLUMNS = ["goal_id", "year", "text", "source", "raw_start", "raw_end"]


def tasks_table(w: Work) -> pd.DataFrame:
    lead = {r["task_id"]: r["unit"] for r in w.task_units if r["role"] == "lead"}
    co: dict[int, list[str]] = {}
    for r in w.task_units:
        if r["role"] == "co":
            co.setdefault(r["task_id"], []).append(r["unit"])
    rows = []
    for tid in sorted(w.cells):
        r = w.cells[tid].row
        rows.append({**{k: r[k] for k in ("task_id", "part", "part_title", "section",
                                          "section_title", "sector", "text")},
                     "lead_unit": lead.get(tid), "years": _years(r["text"], w.inputs.periods) or None,
                     "raw_start": r["raw_start"], "raw_end": r["raw_end"],
                     "co_units": ";".join(co.get(tid, [])),
                     "sector_name": w.inputs.sector_map.name_of(r["sector"]),
                     "text_ocr": r["text_ocr"], "repairs": r["repairs"],
                     "raw_text": r["raw_text"], "section_name": r["section_name"],
                     "text_doubt": r["text_doubt"], "text_doubtful": r["text_doubtful"],
                     "part_name": r["part_name"]})
    return pd.DataFrame(rows, columns=[*contract.REQUIRED_COLUMNS[contract.TASKS], *TASK_EXTRA])


def task_units_table(w: Work) -> pd.DataFrame:
    return pd.DataFrame(w.task_units, columns=[*contract.REQUIRED_COLUMNS[contract.TASK_UNITS],
                                               *TASK_UNIT_EXTRA])


def targets_table(w: Work) -> pd.DataFrame:
    df = pd.DataFrame(w.targets, columns=[*contract.REQUIRED_COLUMNS[contract.TARGETS],
                                          *TARGET_EXTRA])
    df["value"] = df["value"].astype(float)
    df["value_high"] = df["value_high"].astype(float)
    for c in ("year", "body_task", "raw_start", "raw_end"):
        df[c] = pd.array(df[c], dtype="Int64")
    return df


def goals_table(w: Work) -> pd.DataFrame:
    df = pd.DataFrame(w.goals, columns=GOAL_COLUMNS)
    df["year"] = pd.array(df["year"], dtype="Int64")
    return df


def units_table(w: Work, task_units: pd.DataFrame) -> pd.DataFrame:
    reg = w.inputs.registry
    rows = []
    extra = sorted(set(task_units["unit"]) - set(reg.units))
    counts = Counter(zip(task_units["unit"], task_units["role"], strict=True))
    for u in [*reg.units, *extra]:
        n_lead, n_co = counts[(u, "lead")], counts[(u, "co")]
        if n_lead or n_co:
            rows.append({"unit": u, "full_name": reg.full_name(u) or u,
                         "kind": reg.kind(u) or "未登记（按原文）",
                         "n_lead": n_lead, "n_co": n_co, "n_tasks": n_lead + n_co})
    df = pd.DataFrame(rows, columns=[*contract.REQUIRED_COLUMNS[contract.UNITS], "n_tasks"])
    return df.sort_values(["n_tasks", "n_lead", "unit"], ascending=[False, False, True],
                          ignore_index=True)


def quality(w: Work, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    tasks, tu, units = tables[contract.TASKS], tables[contract.TASK_UNITS], tables[contract.UNITS]
    targets, goals = tables[contract.TARGETS], tables[contract.GOALS]
    log = w.correction_log
    return {
        "input": {"path": str(w.doc.path), "sha256": w.doc.sha256, "encoding": w.doc.encoding,
                  "characters": len(w.doc.text), "traditional_converted": w.norm.traditional},
        "title": w.plan.title,
        "counts": {
            "tasks": len(tasks), "parts": len(w.plan.parts), "sections": len(w.plan.sections),
            "body_key_tasks": len(w.plan.body_tasks), "units": len(units),
            "task_units": len(tu), "targets": len(targets), "goals": len(goals),
            "targets_by_source": targets["source"].value_counts().to_dict(),
            "corrections_applied": sum(c["status"] == "applied" for c in log),
            "corrections_unused": sum(c["status"] == "unused" for c in log),
            "unresolved": len(w.unresolved),
        },
        "normalisation": dict(w.norm.rules) | {"text_repaired_from_body": w.n_repairs,
                                                "titles_from_wordings": len(w.title_repairs)},
        "title_repairs": w.title_repairs,
        "unit_matching": tu["method"].value_counts().to_dict() if len(tu) else {},
        "corrections": log,
        "unresolved": w.unresolved,
        "warnings": w.warnings,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "greenlib_version": __version__,
    }


# --------------------------------------------------------------------------- process


def clean_document(doc: RawDoc, registry: Registry | None = None,
                   sector_map: sectors.SectorMap | None = None,
                   corrections_path: str | Path | None = None,
                   use_corrections: bool = True, open_units: bool | None = None, *,
                   plan: plan_mod.Plan | None = None,
                   inputs: Inputs | None = None,
                   accept_incomplete: str | None = None) -> CleanResult:
    """Clean one plan into the contract tables (not yet written).

    The reference data come from ``inputs``, else from ``plan``'s folder (see
    :func:`load_inputs`), else are neutral; ``registry``, ``sector_map`` and
    ``corrections_path`` override single parts of them (tests, other tools).
    """
    inp = inputs or load_inputs(plan)
    if registry is not None:
        inp.registry = registry
    if sector_map is not None:
        inp.sector_map = sector_map
    if corrections_path is not None:
        inp.corrections = corrections.load(corrections_path)
    if not use_corrections:
        inp.corrections = []
    if open_units is not None:
        inp.open_units = open_units
    if accept_incomplete:
        inp.accept_incomplete = accept_incomplete
    norm = normalize(doc.text)
    w = Work(doc, norm, parse(norm), inp, unresolved=[])
    w.unresolved += list(w.plan.problems)
    for step in (read_annex, check_complete, repair_annex, correct_annex, judge_text, assign_units,
                 find_targets, find_goals, check_genre):
        step(w)
    tables: dict[str, pd.DataFrame] = {
        contract.TASKS: tasks_table(w), contract.TASK_UNITS: task_units_table(w),
        contract.TARGETS: targets_table(w), contract.GOALS: goals_table(w),
    }
    tables[contract.UNITS] = units_table(w, tables[contract.TASK_UNITS])
    used = sorted(set(tables[contract.TASKS]["sector"]) | set(tables[contract.TARGETS]["sector"]))
    tables[contract.SECTORS] = inp.sector_map.table(used)
    tables = {k: tables[k] for k in (contract.TASKS, contract.TASK_UNITS, contract.UNITS,
                                     contract.TARGETS, contract.GOALS, contract.SECTORS)}
    return CleanResult(tables=tables, quality=quality(w, tables), plan=w.plan, doc=doc,
                       extra={"registry": inp.registry, "sector_map": inp.sector_map,
                              "open_units": inp.open_units})


def validate(res: CleanResult, open_units: bool | None = None) -> None:
    """Validate the tables against the registry and sector map the cleaning used.

    With open units (another government's plan) the units kept as written are canonical.
    """
    units = set(res.extra["registry"].units)
    if res.extra.get("open_units") if open_units is None else open_units:
        units |= set(res.tables[contract.TASK_UNITS]["unit"])
    validate_tables(res.tables, units, res.extra["sector_map"].slugs)


# --------------------------------------------------------------------------- entry points


def _summary(res: CleanResult, out: str | Path, seconds: float) -> str:
    c = res.quality["counts"]
    return (f"greenlib clean: {res.doc.path.name}: {c['tasks']} 项任务, {c['task_units']} 个任务—单位对, "
            f"{c['units']} 个责任单位, {c['targets']} 项量化目标; 更正已采用 {c['corrections_applied']}, "
            f"未使用 {c['corrections_unused']}; 待解决 {c['unresolved']} → {out} ({seconds:.2f}s)")


def run(plan: plan_mod.Plan, out: str | Path, as_of: str | None = None,
        log: Any = print) -> CleanResult:
    """``make data`` (clean stage): the plan's raw text into ``out`` (build/<plan-id>/data)."""
    from .outputs import write_outputs

    t0 = time.perf_counter()
    checksum_warnings: list[dict[str, Any]] = []
    completeness.check_checksum(plan.raw, None, checksum_warnings)  # before decoding it
    doc = read_plan(plan.raw)
    res = clean_document(doc, plan=plan)
    res.quality["warnings"] += checksum_warnings
    validate(res)
    rec = plan.recommendations
    write_outputs(res, out, plan.summary(as_of),
                  rec.read_text(encoding="utf-8") if rec.exists() else None)
    log(_summary(res, out, time.perf_counter() - t0))
    return res


def clean_plan(input_path: str | Path, out: str | Path, quiet: bool = False,
               plan: plan_mod.Plan | None = None,
               accept_incomplete: str | None = None) -> CleanResult:
    """``python -m greenlib clean INPUT --out DIR``: any plan of the genre, with neutral
    reference data (generic unit names kept as written, no corrections, no sector map), or
    with a known plan's reference data (``--plan``: another copy of that plan)."""
    from .outputs import write_outputs

    t0 = time.perf_counter()
    doc = read_plan(input_path)
    res = clean_document(doc, plan=plan, accept_incomplete=accept_incomplete)
    validate(res)
    if plan is not None:
        summary = plan.summary()
    else:
        neutral = plan_mod.neutral(Path(input_path).stem)
        summary = neutral.summary() | {"title": res.plan.title or Path(input_path).stem,
                                       "short_title": res.plan.title or Path(input_path).stem}
    write_outputs(res, out, summary)
    if not quiet:
        import sys

        print(_summary(res, out, time.perf_counter() - t0), file=sys.stderr)
    return res
