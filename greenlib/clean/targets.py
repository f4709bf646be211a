"""Quantitative targets: every number the plan commits to reach by a year.

Rules work clause by clause (a clause ends at ，；。):

* ``indicator + verb + value + unit [+ 以上/以下]``: 提高至/达到/达/保持/稳定在 → ``=``
  (``>=`` with 以上, ``<=`` with 以下), 不低于/不少于 → ``>=``, 不高于/不超过 → ``<=``,
  超过/高于 → ``>``, 减少/下降/降低 X → ``reduce_by``, 新增/增加 X → ``increase_by``.
* ``indicator + value + unit + 以上/以下`` with no verb (工业固废综合利用率95%以上).
* ``新增/建设/建成/发展 + thing + value + unit`` → ``increase_by``, and the list that
  follows it (建成宜居村庄50个、示范片2个以上).
* ``value% 以上的 + who`` (全区60%以上的学校达到…) → ``>=``.
* ``A和B分别提高至35%、32%`` → two targets.
* A ratio ``之比达到2:1`` → value 2, unit ``比值``.

The year comes from the wording before the number in the same passage: 到2025年 →
2025, “十四五”期间/时期/末 → 2025, and it holds until another year is named. Years,
task numbers and document numbers are never values (they carry no unit), and a
number that only sets a scope (10万平方米以上的大型商场) has no verb and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import config
from .ingest import match_key

DEFAULT_PERIODS: dict[str, int] = dict(config.DEFAULTS["named_periods"])

UNITS = [
    "微克/立方米", "万吨标准煤", "吨标准煤", "万千瓦时", "亿千瓦时", "万平方米", "平方米",
    "万立方米", "立方米", "万千瓦", "千瓦", "兆瓦", "亿元", "万元", "万吨", "万亩", "公顷",
    "公里", "千米", "万辆", "万人", "万户", "万个", "万座", "万套", "万家", "个百分点", "百分点",
    "%", "‰", "天", "个", "处", "家", "座", "亩",
    "吨", "辆", "项", "条", "所", "户", "人", "台", "套", "次", "元",
]
_UNIT = "(?:" + "|".join(re.escape(u) for u in UNITS) + ")"
_NUM = r"\d+(?:\.\d+)?"

# verb → comparator (without a 以上/以下 suffix); longest first
VERBS: list[tuple[str, str]] = [
    ("提高至", "="), ("提高到", "="), ("提升至", "="), ("提升到", "="), ("增长到", "="),
    ("增加到", "="), ("增长至", "="), ("增加至", "="), ("降低至", "="), ("降低到", "="),
    ("下降至", "="), ("下降到", "="), ("减少到", "="), ("减少至", "="), ("控制在", "<="),
    ("降至", "="), ("降到", "="), ("减至", "="), ("增至", "="), ("升至", "="), ("突破", ">"),
    ("稳定在", "="), ("保持在", "="), ("保持", "="), ("达到", "="), ("达", "="),
    ("不低于", ">="), ("不少于", ">="), ("不低", ">="), ("不高于", "<="), ("不超过", "<="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("低于", "<"), ("小于", "<"),
    ("减少", "reduce_by"), ("下降", "reduce_by"), ("降低", "reduce_by"), ("压减", "reduce_by"),
    ("新增", "increase_by"), ("增加", "increase_by"), ("增长", "increase_by"),
    ("提高", "increase_by"), ("完成", "="), ("为", "="),
]
_VERB = "(?:" + "|".join(re.escape(v) for v, _ in VERBS) + ")"
_VERB_CMP = dict(VERBS)
_BUILD_VERBS = "(?:新增|新建|建设|建成|建立|创建|发展|培育|打造|完成|实施|改造|推广|新改建)"
_SUFFIX = r"(?P<suf>以[上卜止]|以下|以内|及以上|左右)?"
# ASCII letters glued between words and a number are a garbled verb (达到 → U, SJ).
_GARBLE = r"[A-Za-z]{0,2}"

_P_VERB = re.compile(
    rf"(?P<ind>[^，。；]{{2,60}}?)(?P<multi>分别)?(?P<verb>{_VERB}){_GARBLE}\s*"
    rf"(?P<val>{_NUM})(?P<unit>{_UNIT}|[:：]1)" + _SUFFIX
)
_P_NOVERB = re.compile(
    rf"(?P<ind>[^，。；]{{2,40}}?[率比量数值额度积])(?P<g>[A-Za-z]{{0,2}})(?P<val>{_NUM})"
    rf"(?P<unit>{_UNIT})" + _SUFFIX
)
_P_BUILD = re.compile(
    rf"(?P<verb>{_BUILD_VERBS})(?P<ind>[^，。；、\d]{{2,24}}?)(?P<val>{_NUM})(?P<unit>{_UNIT})" + _SUFFIX
)
_P_LIST_NEXT = re.compile(rf"^、(?P<ind>[^，。；、\d]{{2,30}}?)(?P<val>{_NUM})(?P<unit>{_UNIT})" + _SUFFIX)
_P_SHARE = re.compile(rf"(?P<val>{_NUM})(?P<unit>%)(?P<suf>以上|以下)的?(?P<ind>[^，。；\d]{{2,30}})")
_P_MULTI_VALUES = re.compile(
    rf"{_NUM}(?:{_UNIT})?(?:[A-Za-z]{{0,2}}(?:以[上下内])?)?(?:(?:、|和|及|，|,){_NUM}(?:{_UNIT})?(?:以[上下内])?)+"
)
_P_ONE_VALUE = re.compile(rf"(?P<val>{_NUM})(?P<unit>{_UNIT})?(?P<suf>以[上下内])?")

_YEAR_RE = re.compile(r"(?:到|至|在|于)?(20[2-6]\d)年(?:前|底|末)?")
_LEAD_STRIP = re.compile(
    r"^(?:(?:到|至)?20[2-6]\d年(?:前|底|末)?|“?十[一二三四五六七八九]?五”?(?:期间|时期|末)|力争|确保|全区|全市|全县|"
    r"基本|累计|其中|同时|并|且|使|将|实现|持续|逐步|进一步|以上|，|,|\s)+"
)


@dataclass
class Target:
    indicator: str
    value: float
    unit: str
    comparator: str
    year: int | None
    source: str
    quote: str
    start: int  # offsets in the text the extractor was given (caller adds a base)
    end: int
    task_ids: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    rule: str = ""
    region: int | None = None  # body key-task number or annex task id


def _comparator(verb: str | None, suffix: str | None) -> str:
    base = _VERB_CMP.get(verb or "", "=")
    if suffix and suffix.startswith("以") and suffix != "以下":
        return ">=" if base in ("=", ">=") else base
    if suffix == "及以上":
        return ">="
    if suffix in ("以下", "以内"):
        return "<=" if base in ("=", "<=") else base
    return base


def clean_indicator(ind: str) -> str:
    ind = _LEAD_STRIP.sub("", ind).strip("，,、：: ")
    ind = re.sub(r"^(?:到|至)?20[2-6]\d年(?:前|底|末)?[，,]?", "", ind)
    # a baseline or a hedge between the indicator and the verb: 能耗比2020年下降 …, 产值力争达到 …
    ind = re.sub(r"(?:比|较|相比|与)?(?:20[12]\d)年(?:末|底)?(?:基础上)?$", "", ind)
    ind = re.sub(r"(?:力争|累计|均|要|将|需|基本|总体|持续|进一步|年均)+$", "", ind)
    ind = re.sub(r"的$", "", ind)
    return ind.strip()


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans: split at ，；。 (but not inside a number like 1,000)."""
    out = []
    start = 0
    for m in re.finditer(r"[，；。;]|,(?!\d{3})", text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


@lru_cache(maxsize=16)
def _period_re(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"“?({alt})”?(?:期间|时期|末)")


def period_year(text: str, periods: dict[str, int] | None = None) -> int | None:
    """The year a named period in ``text`` ends (“十四五”期间 → 2025), from ``periods``
    (default: the library's :data:`greenlib.config.DEFAULTS` named periods)."""
    periods = DEFAULT_PERIODS if periods is None else periods
    rx = _period_re(tuple(periods))
    m = rx.search(text) if rx else None
    return int(periods[m.group(1)]) if m else None


def extract(text: str, source: str, year: int | None = None, region: int | None = None,
            periods: dict[str, int] | None = None) -> list[Target]:
    """Targets in ``text`` (one passage: the main targets, a key task, an annex task).

    ``periods``: named periods and the year each ends (a plan's ``named_periods``)."""
    found: list[Target] = []
    cur_year = year
    for a, b in _clauses(text):
        clause = text[a:b]
        # the year context first: 到2025年 … / “十四五”期间 …
        ym = None
        for m in _YEAR_RE.finditer(clause):
            nxt = clause[m.end():m.end() + 1]
            if nxt in ("", "，", ",") or m.group(0).startswith(("到", "至")) or m.start() == 0:
                ym = m
                break
        if ym:
            cur_year = int(ym.group(1))
        elif (py := period_year(clause, periods)) is not None:
            cur_year = py
        taken: list[tuple[int, int]] = []

        def free(x: int, y: int, _taken: list[tuple[int, int]] = taken) -> bool:
            return all(y <= p or x >= q for p, q in _taken)

        def add(ind: str, val: str, unit: str, cmp: str, s: int, e: int, rule: str,
                _a: int = a, _clause: str = clause, _year: int | None = cur_year,
                _taken: list[tuple[int, int]] = taken) -> None:
            ind = clean_indicator(ind)
            if not ind or re.fullmatch(r"[\d.%]+", ind):
                return
            if unit in (":1", "：1"):
                unit = "比值"
            found.append(Target(ind, float(val), unit, cmp, _year, source,
                                _clause[s:e].strip("，, "), _a + s, _a + e, rule=rule, region=region))
            _taken.append((s, e))

        for m in _P_BUILD.finditer(clause):
            ind = m.group("ind")
            if re.search(_VERB, ind[-2:]):
                continue  # 建设…达到 N: the verb rule reads it better
            cmp = ">=" if (m.group("suf") or "").startswith("以") else "increase_by"
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "build_verb")
            pos = m.end()
            while True:
                n = _P_LIST_NEXT.match(clause[pos:])
                if not n:
                    break
                cmp2 = ">=" if (n.group("suf") or "").startswith("以") else "increase_by"
                add(n.group("ind"), n.group("val"), n.group("unit"), cmp2, pos + 1, pos + n.end(),
                    "build_verb_list")
                pos += n.end()
        for m in _P_VERB.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            ind = m.group("ind")
            if m.group("multi"):
                # X、Y、Z分别达到 a、b、c: one target per (name, value) pair
                mv = _P_MULTI_VALUES.match(clause, m.start("val"))
                names = [n for n in re.split(r"和|、|与|及", clean_indicator(ind)) if n]
                vals = list(_P_ONE_VALUE.finditer(mv.group(0))) if mv else []
                if len(vals) >= 2 and len(names) == len(vals):
                    last_unit = next((v.group("unit") for v in reversed(vals) if v.group("unit")), None)
                    for name, v in zip(names, vals, strict=True):
                        unit = v.group("unit") or last_unit
                        if unit:
                            add(name, v.group("val"), unit, _comparator(m.group("verb"), v.group("suf")),
                                m.start(), mv.end(), "respectively")
                    continue
            cmp = _comparator(m.group("verb"), m.group("suf"))
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), f"verb:{m.group('verb')}")
        for m in _P_NOVERB.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            if not m.group("suf") and not m.group("g"):
                continue
            cmp = _comparator(None, m.group("suf"))
            add(m.group("ind"), m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "no_verb")
        for m in _P_SHARE.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            who = re.sub(r"^的", "", m.group("ind"))
            ind = f"{who}的比例"
            cmp = ">=" if m.group("suf") == "以上" else "<="
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "share")
    found.sort(key=lambda t: t.start)
    return found


def same_target(a: Target, b: Target) -> bool:
    """One commitment stated twice (body and annex): same number, unit and year, similar words."""
    if a.unit != b.unit or abs(a.value - b.value) > 1e-9:
        return False
    if a.year is not None and b.year is not None and a.year != b.year:
        return False
    from rapidfuzz import fuzz

    ka, kb = match_key(a.indicator), match_key(b.indicator)
    return fuzz.ratio(ka, kb) >= 60 or fuzz.partial_ratio(ka, kb) >= 80


@dataclass
class Goal:
    """A qualitative commitment of the main targets (绿色发展内生动力显著增强, 2035)."""

    year: int | None
    text: str
    start: int
    end: int


def extract_goals(text: str) -> list[Goal]:
    """The clauses of a main-targets passage that state a goal without a number.

    The 2035 vision of plans of this genre is qualitative, and so are parts of the 2025
    targets; they are listed so the reports can show every deadline, not only numbers.
    """
    goals: list[Goal] = []
    cur_year: int | None = None
    numbered = {(t.start, t.end) for t in extract(text, "main_targets")}
    for a, b in _clauses(text):
        clause = text[a:b]
        ym = _YEAR_RE.search(clause)
        if ym and (ym.group(0).startswith(("到", "至")) or ym.start() == 0):
            cur_year = int(ym.group(1))
            clause = clause[ym.end():]
            a += ym.end()
        core = clause.strip("，,、 \n")
        if any(not (e <= a or s >= b) for s, e in numbered) or re.search(r"\d", core):
            continue
        if len(re.findall(r"[\u4e00-\u9fff]", core)) < 4 or re.search(r"主要目标|发展目标|总体目标", core):
            continue
        goals.append(Goal(cur_year, core, a + clause.find(core[:1]), b))
    return goals
