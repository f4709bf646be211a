"""What a plan's own text says about it: title, 文号, issuer, level, scope, period, base year.

Used by ``python -m greenlib new-plan`` (:mod:`greenlib.clean.onboard`) to fill a new plan's
plan.yaml. Each value is a :class:`Field` that says whether it was *read* (the text states it
in the expected place: a title line, a 文号 line under it) or *guessed* (inferred: the level
from the issuer's name, the period from 到20XX年 …); guessed values are marked 待确认 in
plan.yaml and listed for the analyst (docs/assumptions.md O1–O6).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import targets as tg

#: a 文号: ××府发〔2022〕24号, 国办发[2021]4号, ××府办发(2021)31号
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*\d{1,4}\s*号")
#: an issuing body: a government, its office, a committee, a department or bureau
_ISSUER_END = (r"(?:人民政府办公(?:室|厅)|人民政府|政府办公(?:室|厅)|委员会办公室|委员会|办公(?:室|厅)"
               r"|厅|局|委)")
_ISSUER = re.compile(rf"^([\u4e00-\u9fff]{{2,30}}?{_ISSUER_END})(?=关于|印发)")
#: the tier word of a place name, from the widest to the narrowest (the last one in the
#: issuer's place part gives the plan's level)
LEVELS = {"国家": "全国", "省": "全省", "自治区": "全区", "市": "全市", "州": "全州", "区": "全区",
          "县": "全县", "旗": "全旗"}
#: plan.yaml's ``level`` (greenlib/plan.py LEVELS) for each tier word
SCHEMA_LEVEL = {"国家": "国家", "省": "省", "自治区": "省", "市": "市", "州": "市", "区": "区县",
                "县": "区县", "旗": "区县"}
#: the genre's document kinds, as a title ends
_GENRE = r"实施方案|实施意见|工作方案|行动方案|行动计划|方案|意见|规划|计划|通知|纲要|要点"
_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class Field:
    """One plan.yaml value and how it was found."""

    value: Any
    guessed: bool
    how: str  # Chinese: where the value comes from (shown beside 待确认)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def title_of(text: str) -> Field:
    """The plan's name: 关于印发《X》的通知 → X; else the first line that names the genre."""
    for ln in _lines(text)[:5]:
        if len(ln) > 90:
            continue
        m = re.search(r"关于印发《?(.+?)》?的通知", ln)
        if m:
            return Field(m.group(1), False, "标题行“关于印发……的通知”")
        if re.search(_GENRE, ln):
            name = re.sub(r"^[\u4e00-\u9fff]{2,30}?" + _ISSUER_END + r"(?=关于)", "", ln)
            return Field(name, False, "标题行")
    first = next(iter(_lines(text)), "")
    for m in re.finditer(_GENRE, first[:100]):
        # a title run into the body (…实施方案为认真贯彻…): cut where the body starts
        if re.match(r"$|[为根按各（(：:\s]", first[m.end():m.end() + 1]):
            name = re.sub(r"^[\u4e00-\u9fff]{2,30}?" + _ISSUER_END + r"(?=关于)", "", first[:m.end()])
            return Field(name, True, "第一行中标题与正文连在一起，按文种词截取")
    first = next(iter(_lines(text)), "")
    return Field(first[:60], True, "第一行（未见规划类标题）")


def document_number_of(text: str) -> Field:
    """The 文号 on a line of its own near the top (a cited plan's 文号 in brackets after
    《…》 is not this plan's)."""
    for ln in _lines(text)[:8]:
        m = DOC_NUMBER.fullmatch(ln.strip("　 "))
        if m:
            return Field(m.group(0), False, "标题下的文号行")
    for m in DOC_NUMBER.finditer(text[:1500]):
        before = text[max(0, m.start() - 2):m.start()]
        if "》" in before or "（" in before or "(" in before:
            continue  # 根据《…》（潭政办发〔2019〕9号）: a cited document
        return Field(m.group(0), True, "正文开头出现的文号")
    return Field("", True, "原文未见本文件文号")


def issuer_of(text: str, title: str) -> Field:
    """The issuing body: before 关于 in the first lines, else a signature line before a date."""
    for ln in _lines(text)[:5]:
        m = _ISSUER.match(ln)
        if m:
            return Field(m.group(1), False, "标题行的发文机关")
    lines = _lines(text)
    for i, ln in enumerate(lines[1:], start=1):
        if _DATE.fullmatch(ln) and re.fullmatch(rf"[\u4e00-\u9fff]{{2,30}}{_ISSUER_END}", lines[i - 1]):
            return Field(lines[i - 1], False, "落款")
    m = re.match(r"^([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|州|区|县|旗))", title)
    if m:
        return Field(m.group(1) + "人民政府", True, "由标题中的地名推断")
    return Field("", True, "原文未见发文机关")


def place_of(issuer: str) -> str:
    """The place part of an issuer (××市××区人民政府办公室 → ××市××区)."""
    m = re.match(r"^(.*?(?:省|自治区|市|州|区|县|旗))"
                 r"(?=人民政府|政府|委员会|办公|[^省市州区县旗]*(?:局|委|厅)$)", issuer)
    return m.group(1) if m else ""


def level_of(issuer: str) -> Field:
    """国家 for 国务院/国家…; else the last tier word of the issuer's place (市 for ××市, 县 for
    ××市××县)."""
    if re.match(r"国务院|国家|中共中央|中央", issuer):
        return Field("国家", True, f"由发文机关“{issuer}”推断")
    place = place_of(issuer)
    m = re.search(r"(自治区|省|市|州|区|县|旗)$", place)
    if not m:
        return Field("", True, "发文机关不含地名层级")
    return Field(m.group(1), True, f"由发文机关“{issuer}”推断")


def scope_of(text: str, level: str) -> Field:
    """How the plan names its territory: the 全X the text uses most, else the level's."""
    counts = {w: text.count(w) for w in set(LEVELS.values())}
    best = max(counts, key=lambda w: counts[w])
    if counts[best]:
        return Field(best, True, f"原文中“{best}”出现 {counts[best]} 次")
    return Field(LEVELS.get(level, "全域"), True, "由层级推断")


def date_of(text: str) -> Field:
    """The text's own date: a line that is only a date, else the first date in the text."""
    lines = _lines(text)
    for ln in lines:
        m = _DATE.fullmatch(ln)
        if m:
            return Field(_iso(m), True, "落款日期")
    m = _DATE.search(text)
    if m:
        return Field(_iso(m), True, "原文中的第一个日期")
    return Field(None, True, "原文未见日期")


def _iso(m: re.Match[str]) -> str | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def period_of(text: str, periods: dict[str, int], date: str | None) -> tuple[Field, Field, dict]:
    """(period [start, end], base year, named periods the text uses): the end is the latest
    year the text plans to (到20XX年, “十四五”), the start the year of its date; the base year
    the year the targets are compared with (比2020年 …), else the period before the start."""
    ends = [int(y) for y in re.findall(r"(?<!截)(?:到|至)\s*(20\d\d)\s*年(?!的)", text)]
    used = {k: v for k, v in periods.items() if k in text}
    horizon = tg.horizon_year(text, periods)
    ends += [v for v in used.values() if horizon is None or v >= horizon]
    start = int(date[:4]) if date else (tg.doc_year(text) or None)
    end = max(ends) if ends else None
    if start and end and start > end:
        start = end
    if end and not start:
        start = min(ends)
    period = Field([start, end] if start and end else None, True,
                   "起：原文日期；止：“到20XX年”/规划期所写的最晚年份" if end else "原文未见目标年份")
    bases = re.findall(r"(?:比|较|相比|相较于?)\s*(20\d\d)\s*年", text)
    if bases:
        b = max(set(bases), key=bases.count)
        base = Field(int(b), True, f"原文“比{b}年”")
    elif start:
        base = Field(start - 1, True, "规划期开始的前一年")
    else:
        base = Field(None, True, "未能推断")
    return period, base, used


def read_profile(text: str, periods: dict[str, int], today: str | None = None) -> dict[str, Field]:
    """Every plan.yaml field the text can give, in plan.yaml's order."""
    title = title_of(text)
    number = document_number_of(text)
    issuer = issuer_of(text, title.value)
    level = level_of(issuer.value)
    scope = scope_of(text, level.value)
    date = date_of(text)
    period, base, used = period_of(text, periods, date.value)
    place = place_of(issuer.value)
    short = re.sub(r"的通知$", "", re.sub(r"^关于(?:印发)?", "", title.value))
    return {
        "title": title,
        "short_title": Field(short if len(short) <= 40 else short[:40], True, "由标题截取"),
        "document_number": number,
        "issuer": issuer,
        "date": date,
        "level": Field(SCHEMA_LEVEL.get(level.value, level.value), level.guessed, level.how),
        "scope_name": scope,
        "geo": Field(place or None, True, "发文机关的地名（用于评级的统计数据所属地区）"),
        "period": period,
        "base_year": base,
        "named_periods": Field(used or None, False, "原文所用的规划期名称"),
        "as_of": Field(today or dt.date.today().isoformat(), True, "默认为今天"),
    }


def to_confirm(plan_yaml: str | Path) -> list[dict[str, str]]:
    """The plan.yaml fields still marked 待确认 (key, value as written, why it was guessed):
    the checklist at the top of quality.md until the analyst deletes the marks."""
    p = Path(plan_yaml)
    if not p.exists():
        return []
    out = []
    for ln in p.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([a-z_]+):\s*(.*?)\s+#\s*待确认[：:]?\s*(.*)$", ln)
        if m:
            out.append({"field": m.group(1), "value": m.group(2).strip('"'), "why": m.group(3)})
    return out
