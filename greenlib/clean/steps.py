"""The clean stage's steps, each a function over one :class:`~greenlib.clean.work.Work`
record: the annex read, repaired, judged and corrected; units assigned; targets and goals
found; the genre checked. :func:`greenlib.clean.pipeline.clean_document` runs them in order."""

from __future__ import annotations

import re
from itertools import chain

import pandas as pd

from ..errors import InputError
from . import completeness, corrections, doubt, magnitude, repair, review, wordcheck, wordings
from . import targets as tg
from .units import Resolution, split_cell
from .work import AnnexCell, Work

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
    body, counts = w.body, w.char_counts
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
    body, counts = w.body, w.char_counts
    plan_bigrams = wordcheck.bigrams(w.text)
    # each task against the body once: its broken words, and the body's misreadings it shows
    compared = {tid: doubt.compare_body(c.row["text"], body) for tid, c in w.cells.items()}
    garbles = frozenset(g for _, forms in compared.values() for g in forms)
    for tid, c in w.cells.items():
        d = doubt.doubt(c.row["text"], counts, body, plan_bigrams, c.row.get("text_edits", ()),
                         garbles=garbles, compared=compared[tid])
        c.row["text_doubt"], c.row["text_doubtful"] = d.score, d.doubtful
        if d.doubtful:
            w.unresolved.append({"kind": "text_doubtful", "task_id": tid, "raw": c.row["text"],
                                 "detail": "任务原文识别存疑：" + "；".join(d.reasons)
                                 + "；可核对原件后在核对表 targets_review.xlsx 中确认或改正"})


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
    today = tg.doc_year(text)  # the text's own date, for 今年/明年

    def extract(passage: str, source: str, region: int | None = None) -> list[tg.Target]:
        return tg.extract(passage, source, region=region, periods=periods, horizon=horizon,
                          today=today)

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
    titled = tg.title_year(text)
    for x in merge_targets(found):
        if x.year is None and titled is not None:
            x.year, x.year_guess = titled, "title"  # 关于印发××县2021年…工作方案: the title's year
        rs, re_ = w.norm.raw_span(x.start, x.end) if x.start >= 0 else (None, None)
        w.targets.append({
            "indicator": x.indicator, "value": x.value, "unit": x.unit, "comparator": x.comparator,
            "year": x.year, "sector": _target_sector(x, w), "source": x.source,
            "task_ids": ";".join(str(i) for i in sorted(set(x.task_ids))), "quote": x.quote,
            "sources": ";".join(dict.fromkeys(x.sources or [x.source])), "rule": x.rule,
            "body_task": x.region if x.source == "body" else None,
            "raw_start": rs, "raw_end": re_, "value_high": x.value_high,
            "unit_normalised": tg.normalise_unit(x.unit),
            "year_guessed": bool(x.year_guess), "unit_guessed": x.unit_guess,
            "confidence": confidence(x),
        })
    log = corrections.apply_target_corrections(
        w.targets, w.inputs.corrections,
        {tid: c.row.get("text_edits", []) for tid, c in w.cells.items()})
    completeness.check_target_corrections(log, w.inputs.corrections, w.targets,
                                          w.inputs.corrections_file,
                                          accepted_incomplete=bool(w.inputs.accept_incomplete))
    w.correction_log += log
    review.review_targets(w)  # the analyst's review book: confirm, correct, reject
    for i, r in enumerate(w.targets, start=1):
        r["target_id"] = f"T{i:02d}"
    check_target_years(w)
    for r in w.targets:
        if r.get("year") in (None, "") or pd.isna(r.get("year")):
            ids = [int(i) for i in str(r["task_ids"] or "").split(";") if i.isdigit()]
            w.unresolved.append({"kind": "target_without_year", "task_id": ids[0] if ids else None,
                                 "raw": r["quote"], "detail": f"{r['target_id']}：原文未写明目标年份"})
    w.unresolved += magnitude.suspects(w.targets)


#: how sure each rule is of what it reads (a target read by the verb rule from a full clause is
#: surer than a verb-less list item); lowered for a guessed year or unit, a missing year, an
#: odd indicator. Rows under REVIEW_BELOW are for the analyst to confirm.
RULE_CONFIDENCE = {
    "verb": 0.9, "respectively": 0.9, "respectively_years": 0.75, "shared": 0.85,
    "respectively_one": 0.85, "shared_list": 0.8,
    "verb_list": 0.85, "build_verb": 0.8, "build_verb_list": 0.8, "build_count": 0.75,
    "build_count_list": 0.75, "build_count_cn": 0.65, "coefficient": 0.8, "no_verb": 0.75,
    "part_of": 0.75, "share": 0.7,
    "list_item": 0.65, "verb_values": 0.7, "build_verb_values": 0.7,
}
REVIEW_BELOW = 0.8


def confidence(t: tg.Target) -> float:
    """A 0–1 score of how likely the row is a target read right (see :data:`RULE_CONFIDENCE`)."""
    base = t.rule.split(":")[0].split("+")[0]
    c = RULE_CONFIDENCE.get(base, 0.6)
    if "+subject" in t.rule:
        c -= 0.1  # the subject was borrowed from the previous target
    if t.year is None:
        c -= 0.2
    elif t.year_guess:
        c -= 0.15
    if t.unit_guess:
        c -= 0.1
    if len(t.indicator) < 3 or re.search(r"[“”\d]|分别|同比", t.indicator):
        c -= 0.15  # a short or odd indicator: likely a fragment
    if len(t.sources or []) > 1:
        c += 0.05  # stated twice (main targets and annex)
    return round(min(0.99, max(0.05, c)), 2)


def check_target_years(w: Work) -> None:
    """A target year is checked against the text's own dates, never refused: one outside
    them (or outside 1990–2100) is dropped with a warning; one before 2020 is kept (plans of
    the genre date from 十一五 on) with a note."""
    own = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?=年|[-/.]\d)", w.text)]
    own += [int(y) for y in w.inputs.periods.values()]
    lo, hi = (min(own), max(own)) if own else (1990, 2100)
    for r in w.targets:
        y = r.get("year")
        if y is None or pd.isna(y):
            continue
        y = int(y)
        if not (1990 <= y <= 2100) or not (lo - 1 <= y <= max(hi, lo) + 50):
            w.warnings.append({"kind": "target_year", "detail": (
                f"{r['target_id']}：目标年份 {y} 与原文所写日期（{lo}—{hi}年）不符，已留空，请核对")})
            r["year"], r["year_guessed"] = None, False
        elif y < 2020:
            w.warnings.append({"kind": "target_year", "detail": (
                f"{r['target_id']}：目标年份 {y} 早于2020年（较早的规划），按原文保留")})


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
            # a copy of the same words (a headline repeating the body) is one row too
            copy = (o.source == t.source and o.quote == t.quote and o.indicator == t.indicator
                    and o.comparator == t.comparator and o.year == t.year
                    and o.value_high == t.value_high and o.task_ids == t.task_ids)
            if copy or (tg.same_target(o, t) and (o.source != t.source or (o.source == "annex"
                                                  and o.task_ids != t.task_ids))):
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
#: words of the genre's neighbours (政府工作报告, 行动计划, a Taiwan 計畫): they keep a text that
#: yields no target from being refused, with a warning
NEIGHBOUR_WORDS = ("计划", "计画", "行动", "推动", "工作报告", "工作回顾", "建设", "治理")


def check_genre(w: Work) -> None:
    """Refuse only a text that yields nothing and does not read like a plan, naming the file.

    A short news copy of a 规划 or 意见 has few of the genre's words but states targets:
    it is cleaned, with a warning (quality["warnings"], also printed), not refused.
    """
    import sys

    text = w.text
    markers = sum(m in text for m in PLAN_WORDS)
    yields = bool(w.plan.tasks or w.plan.main_targets or w.plan.body_tasks or w.targets)
    # a review or a report of the genre states quantities, all of them history: cleaned (no
    # rows) with a warning, never refused (issue 18)
    quantities = len(re.findall(rf"\d(?:{tg._UNIT})", text))
    neighbour = markers + sum(m in text for m in NEIGHBOUR_WORDS)
    if not yields and (len(text) < 200 or markers < 3) and quantities < 3 and neighbour < 3:
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
