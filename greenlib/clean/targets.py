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

from .ingest import match_key
from .target_units import (  # noqa: F401  (re-exported: the units are part of this module's API)
    _NUM,
    _RANGE,
    _UNIT,
    LATIN_UNITS,
    MAGNITUDE_BASES,
    MAGNITUDES,
    UNITS,
    normalise_unit,
    unit_name,
)
from .target_years import (  # noqa: F401  (re-exported)
    _DOC_DATE,
    _DONE,
    _FORWARD,
    _PAST_YEAR,
    _PLANNED,
    _RELATIVE_YEAR,
    _RETRO,
    _YEAR_RANGE,
    _YEAR_RE,
    DEFAULT_PERIODS,
    _is_retro,
    _period_re,
    doc_year,
    horizon_year,
    period_year,
    title_year,
)

# verb → comparator (without a 以上/以下 suffix); longest first
VERBS: list[tuple[str, str]] = [
    ("提高至", "="), ("提高到", "="), ("提升至", "="), ("提升到", "="), ("增长到", "="),
    ("增加到", "="), ("增长至", "="), ("增加至", "="),
    # lowered *to* a level: the level is a ceiling (能耗下降到0.83吨标准煤/万元 → <=)
    ("降低至", "<="), ("降低到", "<="), ("下降至", "<="), ("下降到", "<="), ("减少到", "<="),
    ("减少至", "<="), ("控制在", "<="), ("降至", "<="), ("降到", "<="), ("减至", "<="),
    ("增至", "="), ("升至", "="), ("突破", ">"),
    ("稳定在", "="), ("保持在", "="), ("维持在", "="), ("保持", "="), ("维持", "="),
    ("实现", "="), ("达到", "="), ("达", "="),
    ("不低于", ">="), ("不少于", ">="), ("不低", ">="), ("不高于", "<="), ("不超过", "<="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("低于", "<"), ("小于", "<"),
    ("减少", "reduce_by"), ("减低", "reduce_by"), ("下降", "reduce_by"), ("降低", "reduce_by"),
    ("压减", "reduce_by"), ("削减", "reduce_by"), ("消减", "reduce_by"),
    ("新增", "increase_by"), ("增加", "increase_by"), ("增长", "increase_by"),
    ("提高", "increase_by"), ("完成", "="), ("为", "="),
    ("≥", ">="), ("≤", "<="), ("＞", ">"), ("＜", "<"), ("超", ">"),
]
_VERB = "(?:" + "|".join(re.escape(v) for v, _ in VERBS) + ")"
_VERB_CMP = dict(VERBS)
_BUILD_VERBS = ("(?:年均增加|新增|新建|建设|建成(?!区)|建立|创建|发展|培育|打造|完成|实施|改造|推广|新改建"
                "|形成|实现)")
#: verbs before the noun that state an amount reached, not a change from a baseline
#: (完成造林300万亩, 实现节约能源1000万吨标准煤, 形成节能量5000万吨标准煤)
_LEVEL_BUILD_VERBS = ("完成", "形成", "实现", "实施", "推广")
#: a noun that itself says the amount is a reduction: 减排二氧化碳1.3亿吨
_REDUCING_NOUN = re.compile(r"^(?:减排|减少|削减|压减|降低)")
_SUFFIX = r"(?P<suf>以[上卜止]|以下|以内|及以上|左右)?"
# ASCII letters glued between words and a number are a garbled verb (达到 → U, SJ).
_GARBLE = r"[A-Za-z]{0,2}"

#: a baseline between 分别 and its verb: 能耗、排放分别比2020年下降14.5%、20.5%
_BASE_MID = r"(?:(?:(?<=分别)|(?<=[均各都]))(?:比|较)(?:19|20)\d\d年(?:末|底)?(?:基础上)?)?"
_P_VERB = re.compile(
    rf"(?P<ind>[^，。；]{{1,60}}?)(?P<multi>分别|(?<!年)均|各|都)?{_BASE_MID}(?P<verb>{_VERB}){_GARBLE}\s*(?:约|介乎|介于)?"
    rf"(?P<val>{_NUM}){_RANGE}(?P<unit>{_UNIT}|[:：]1)" + _SUFFIX
)
_P_NOVERB = re.compile(
    rf"(?P<ind>[^，。；]{{2,40}}?[率比量数值额度积])(?P<g>[A-Za-z]{{0,2}})(?P<val>{_NUM}){_RANGE}"
    rf"(?P<unit>{_UNIT})" + _SUFFIX
)
#: a whole clause that is only ``indicator value unit`` (非化石能源占比15%, 义务植树1200万株):
#: an item of a list of targets, read only under a target year
_P_BARE = re.compile(
    rf"^(?P<ind>[^，。；、\d]{{2,30}}?)(?P<val>{_NUM}){_RANGE}(?P<unit>{_UNIT})" + _SUFFIX + "$"
)
#: a coefficient or an index has no unit: 利用系数达到0.57, 绿化覆盖指数达到0.7
_P_COEF = re.compile(
    rf"(?P<ind>[^，。；]{{1,40}}?(?:系数|指数))(?P<verb>{_VERB})\s*(?:约)?(?P<val>{_NUM})"
    rf"(?P<suf>以上|以下|左右)?(?![\d.%‰]|{_UNIT})"
)
#: a value list without nouns after a target: 新开工49个、256万平方米、3.2万户 (one subject)
_P_VALUE_NEXT = re.compile(rf"^、(?:约)?(?P<val>{_NUM})(?P<unit>{_UNIT})" + _SUFFIX)
#: a price per unit split around the number: 每吨补贴30元 → 元/吨
_PER = re.compile(r"每(吨|亩|人|户|千瓦时|度|平方米|立方米|公斤|辆|台|头)")
_P_BUILD = re.compile(
    rf"(?P<verb>{_BUILD_VERBS})(?P<ind>[^，。；、\d]{{2,24}}?)(?P<val>{_NUM}){_RANGE}(?P<unit>{_UNIT})"
    + _SUFFIX
)
#: a count before the noun: 建设50个大宗固废综合利用基地和50个工业资源综合利用基地, 建成3-5个示范区
_COUNT_UNIT = "(?:个|家|座|处|所|条|项|套|台)"
#: an area or a length before the noun: 完成5万亩人工造林, 新建12公里绿道 (10平方公里以上的片区
#: is a scope: its noun starts with 的 and is skipped)
_SIZE_UNIT = "(?:(?:万)?亩|(?:万)?公顷|平方公里|(?:万)?平方米|公里|千米|(?:万|亿)?株)"
#: one count in a Chinese numeral after a build verb: 各区至少建成一个示范片区 (实现一个翻番 is not
#: a count: 实现/形成 are left out)
_CN_ONE = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
           "八": "8", "九": "9"}
_P_BUILD_ONE = re.compile(
    r"(?P<pre>至少)?(?:基本)?(?P<verb>建成|建设|新建|创建|打造|培育|新增|改造)(?P<val>[一两二三四五六七八九])"
    rf"(?P<unit>{_COUNT_UNIT})(?P<ind>[^，。；、和及\d]{{2,30}})"
)
_P_BUILD_PRE = re.compile(
    rf"(?P<verb>{_BUILD_VERBS})(?:约)?(?P<val>{_NUM}){_RANGE}(?P<unit>{_COUNT_UNIT}|{_SIZE_UNIT})"
    rf"(?P<suf>以上|左右)?(?P<ind>[^，。；、和及\d]{{2,30}})"
)
_P_PRE_NEXT = re.compile(
    rf"^(?:、|和|及)(?:约)?(?P<val>{_NUM}){_RANGE}(?P<unit>{_COUNT_UNIT})(?P<suf>以上|左右)?"
    rf"(?P<ind>[^，。；、和及\d]{{2,30}})"
)
_P_LIST_NEXT = re.compile(
    rf"^、(?P<ind>[^，。；、\d]{{2,30}}?)(?:约)?(?P<val>{_NUM}){_RANGE}(?P<unit>{_UNIT})" + _SUFFIX
)
_P_SHARE = re.compile(
    rf"(?<![\d.])(?P<val>{_NUM})(?P<unit>%)(?:(?P<suf>以上|以下)的?|(?P<about>左右)?的)(?P<ind>[^，。；\d]{{2,30}})")
#: a part of a whole: 自然保护地将占省陆域面积的8%
_P_PART = re.compile(
    rf"(?P<ind>[^，。；\d]{{2,30}}?)占(?P<whole>[^，。；\d]{{2,20}}?)的(?P<val>{_NUM})(?P<unit>%)" + _SUFFIX
)
#: each value of a 分别 list may carry its own hedge or bound: 2.5%左右、3.9%左右; 10%以上
_EACH_SUF = r"(?:以[上下内]|左右)"
_NOTE_OPT = r"(?:（[^（）]*）)?"
_P_MULTI_VALUES = re.compile(
    rf"{_NUM}(?:{_UNIT})?(?:[A-Za-z]{{0,2}}{_EACH_SUF}?)?{_NOTE_OPT}"
    rf"(?:(?:、|和|及|，|,)(?:约)?{_NUM}(?:{_UNIT})?{_EACH_SUF}?{_NOTE_OPT})+"
)
_P_ONE_VALUE = re.compile(rf"(?P<val>{_NUM})(?P<unit>{_UNIT})?(?P<suf>{_EACH_SUF})?")
#: 下降幅度达10% is a reduction; 提高幅度达 an increase; so are 降幅(目标)为, 降低指标为
_AMPLITUDE = re.compile(r"(?P<dir>下降|降低|减少|压减|提高|提升|增长|增加|降|增)幅度?(?:目标|指标)?$"
                        r"|(?P<d2>下降|降低)(?:目标|指标)$")
#: the measure noun a coordinated list shares (废纸、废钢利用量 → 废纸利用量, 废钢利用量)
_HEAD = re.compile(
    r"(?:综合)?(?:利用量|利用率|处理率|覆盖率|产量|产值|总量|用量|比重|占比|消耗|排放|[率量])$"
)
#: a noun that already names a measure (能耗, 排放, 浓度 …) takes no shared head
_MEASURE_END = re.compile(r"(?:耗|排放|强度|浓度|面积|容量|规模|产值|收入|[率量比重额值数度积])$")
_LIST_SEP = re.compile(r"和|、|与|及(?!以[上下])")

_DIGIT = re.compile(r"\d")
_LEAD_STRIP = re.compile(
    r"^(?:(?:到|至)?20[0-6]\d年(?:前|底|末)?|“?十[一二三四五六七八九]?五”?(?:期间|时期|末)|力争|确保|全区|全市|全县|"
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
    #: the high end of a range (60%~65% → value 60, value_high 65); None for one number
    value_high: float | None = None
    #: how the year was found when the clause does not write it: "" (written or carried from
    #: the passage), "date" (今年/明年 against the text's own date), "title" (set by the caller)
    year_guess: str = ""
    #: the unit was borrowed from the next value of a list (13.5、16%)
    unit_guess: bool = False


def _comparator(verb: str | None, suffix: str | None) -> str:
    base = _VERB_CMP.get(verb or "", "=")
    if suffix and suffix.startswith("以") and suffix != "以下":
        return ">=" if base in ("=", ">=") else base
    if suffix == "及以上":
        return ">="
    if suffix in ("以下", "以内"):
        return "<=" if base in ("=", "<=") else base
    return base


#: a bracketed remark inside a clause: （含工业、生活、农业）, （其中…减少12.6%）
_NOTE = re.compile(r"（[^（）]*）")
#: a baseline that stands where the subject would be: 比2010年的12.4万吨、1.07万吨 (分别)减少…
_BASE_SUBJECT = re.compile(
    r"^(?:比|较|与)(?:19|20)\d\d年(?:末|底)?的[\d.、和及万亿千吨标准煤立方米平方米%]*$")


def clean_indicator(ind: str) -> str:
    if "其中" in ind:
        # （其中工业和生活排放量…: a sub-part is named after 其中; what precedes is another clause
        ind = ind[ind.rindex("其中") + 2:]
    if "把" in ind:
        # 把碳强度降低…: in a 把 construction the measure is the object after 把
        ind = ind[ind.rindex("把") + 1:]
    # a heading before the list: 2018—2020年工作目标：…, 主要指标:…
    ind = re.sub(r"^[^：:]*(?:年|目标|任务|指标)[^：:]*[：:]", "", ind)
    # 国家下达到某省的“十二五”时期单位生产总值…: the scope and the period before the noun
    rest = re.sub(r'^.*?[“"]?十[一二三四五六七八九]?五[”"]?(?:时期|期间|末)', "", ind)
    if len(rest) >= 2:
        ind = rest
    # 确定2011年全省…: the year and the scope before the noun
    ind = re.sub(r"^(?:确定|明确|提出|要求)?(?:19|20)\d\d年(?:全省|全市|全县|全区|全国)", "", ind)
    ind = _LEAD_STRIP.sub("", ind).strip("，,、：:（） ")
    if _BASE_SUBJECT.match(ind):
        return ""
    ind = re.sub(r"^(?:到|至)?20[0-6]\d年(?:前|底|末)?[，,]?", "", ind)
    # a baseline or a hedge between the indicator and the verb: 能耗比2020年下降 …, 产值力争达到 …
    ind = re.sub(r"(?:(?:比|较|相比|与)?(?:19|20)\d\d年(?:末|底)?(?:基础上)?|由(?:19|20)\d\d年的水平)$",
                 "", ind)
    ind = re.sub(r"(?:力争|确保|累计|均|要|将|需|基本|总体|持续|进一步|年均)+$", "", ind)
    ind = re.sub(r"的$", "", ind)
    return ind.strip()


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans: split at ，；。 (but not inside a number like 1,000)."""
    out = []
    start = 0
    for m in re.finditer(r"[，；。;]|,(?!\d{3}(?!\d))|\.(?!\d)", text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _with_head(names: list[str]) -> list[str]:
    """Coordinated nouns share the last one's measure noun: 废纸、废钢利用量 → 废纸利用量,
    废钢利用量. Parallel conjuncts (废塑料、废橡胶回收量) give the head as the last one's
    tail past the other's length; else the measure noun itself (利用量, 率 …)."""
    head = _HEAD.search(names[-1]) if names else None
    if not head or len(names) < 2:
        return names
    last = names[-1]
    out = []
    for n in names[:-1]:
        if _HEAD.search(n) or _MEASURE_END.search(n):
            out.append(n)
            continue
        # the tail is a measure phrase: a measure noun and at most a two-character stem (回收量)
        tail = last[len(n):] if len(last) > len(n) + 1 else ""
        th = _HEAD.search(tail)
        ok = th is not None and th.start() <= 2 and not _has_verb(tail)
        out.append(n + (tail if ok else head.group(0)))
    return [*out, last]


def _has_verb(text: str) -> bool:
    return bool(re.search(_VERB, text) or re.search(_BUILD_VERBS, text))


def extract(text: str, source: str, year: int | None = None, region: int | None = None,
            periods: dict[str, int] | None = None, horizon: int | None = None,
            today: int | None = None) -> list[Target]:
    """Targets in ``text`` (one passage: the main targets, a key task, an annex task).

    ``periods``: named periods and the year each ends (a plan's ``named_periods``);
    ``horizon``: the latest year the whole document plans for (default: this passage's),
    which tells a review of an earlier period (“十三五”期间 in a 十四五 plan) from a target;
    ``today``: the year of the text's own date, for 今年/明年 (default: the date in ``text``)."""
    periods = DEFAULT_PERIODS if periods is None else periods
    horizon = horizon if horizon is not None else horizon_year(text, periods)
    today = today if today is not None else doc_year(text)
    period_rx = _period_re(tuple(periods))
    found: list[Target] = []
    cur_year = year
    cur_guess = ""
    qizhong = False  # the previous clause was only 其中 (其中，社区公园8公顷)
    history = False
    #: the last target read: its indicator and comparator, and the sentence it is in
    last: dict[str, object] = {}
    sentence, counted = 0, 0  # sentences before the clause, counted incrementally (linear)
    # sentences that report work done and do not turn forward: their numbers are results
    done_spans = [(m.start(), m.end()) for m in re.finditer(r"[^。\n]+", text)
            if _DONE.search(m.group(0)) and not _FORWARD.search(m.group(0))]
    for a, b in _clauses(text):
        clause = text[a:b]
        after_qizhong, qizhong = qizhong, clause.strip() == "其中"
        if a > counted:
            sentence += text.count("。", counted, a) + text.count("\n", counted, a)
            counted = a
        # the discourse: a review of the past holds until the text turns to what is planned
        retro = [m for m in _RETRO.finditer(clause) if _is_retro(m, periods, horizon)]
        fwd = list(_FORWARD.finditer(clause))
        if retro and (not fwd or fwd[-1].start() < retro[-1].start()):
            history = True
        elif fwd:
            history = False
        if history or any(p <= a < q for p, q in done_spans):
            continue
        # a year and every rule below read a number (most clauses have none)
        digits = _DIGIT.search(clause) is not None or _P_BUILD_ONE.search(clause) is not None
        if digits and horizon is not None and any(int(m.group("y")) < horizon
                                                  for m in _PAST_YEAR.finditer(clause)):
            continue
        # the year context first: 到2025年 … / 2018—2020年 … / “十四五”期间 … / 明年 …
        ym = None
        rng = _YEAR_RANGE.search(clause) if digits else None
        for m in _YEAR_RE.finditer(clause) if digits and not rng else ():
            nxt = clause[m.end():m.end() + 1]
            lead = not re.split(r"[：:]", clause[:m.start()])[-1].strip()
            planned = _PLANNED.search(clause[:m.start()])
            if nxt in ("", "，", ",") or m.group(0).startswith(("到", "至")) or lead \
                    or m.group(0).endswith("前") or planned:
                ym = m
                break
        if ym and horizon is not None and int(ym.group(1)) < horizon \
                and not ym.group(0).startswith(("到", "至")) and not ym.group(0).endswith("前") \
                and not _PLANNED.search(clause[:ym.start()]):
            if not re.split(r"[：:]", clause[:ym.start()])[-1].strip() and not fwd:
                # 2016年，全国共完成造林…: a clause headed by a year before the text's
                # horizon reports the past, until the text turns forward again
                history = True
                continue
            ym = None  # 2015年，… in a plan to 2025: a past year, not the clause's target year
        rel = _RELATIVE_YEAR.search(clause) if not (ym or rng) else None
        if rng:
            cur_year, cur_guess = int(rng.group(1)), ""
        elif ym:
            cur_year, cur_guess = int(ym.group(1)), ""
        elif period_rx and (pm := period_rx.search(clause)):
            cur_year, cur_guess = int(periods[pm.group(1)]), ""  # as period_year(clause, periods)
        elif rel and rel.group(1) in ("本世纪中叶", "21世纪中叶"):
            cur_year, cur_guess = 2050, ""
        elif rel and today is not None:
            cur_year, cur_guess = today + (rel.group(1) == "明年"), "date"
        if not digits:
            continue
        taken: list[tuple[int, int]] = []

        def free(x: int, y: int, _taken: list[tuple[int, int]] = taken) -> bool:
            return all(y <= p or x >= q for p, q in _taken)

        def add(ind: str, val: str, unit: str, cmp: str, s: int, e: int, rule: str,
                high: str | None = None, inherit: bool = False, unit_guess: bool = False,
                _a: int = a, _clause: str = clause, _year: int | None = cur_year,
                _guess: str = cur_guess,
                _sentence: int = sentence, _taken: list[tuple[int, int]] = taken) -> None:
            if re.search(rf"第{re.escape(val)}(?!\d)", _clause[s:e]):
                return  # 第99次, 第7位: an ordinal, not an amount
            ind = clean_indicator(ind)
            if unit == "项" and re.search(r"指标$", ind):
                return  # 设置重点指标17项: the size of the plan's indicator list
            if unit == "元" and (per := _PER.search(_clause[max(0, s - 12):e])):
                unit = f"元/{per.group(1)}"  # 每吨补贴30元: a price per unit split around the number
            if not ind and inherit and last.get("sentence") == _sentence:
                # a second predicate without its own subject: 下降18%、控制在…; ，到2030年达到…
                ind = str(last["indicator"])
                rule += "+subject"
            if not ind or re.fullmatch(r"[\d.%]+|\d+年(?:内|间|来)", ind) \
                    or re.fullmatch(r"(?:分别|均|各|都|同比|其中)+", ind):
                return  # no subject: 分别为16%, 同比增长8% (a report's comparison), 5年内 (a span)
            amp = _AMPLITUDE.search(ind)
            if amp and cmp in ("=", ">=", ">"):
                # 下降幅度达10%: the amount of the change, not a level
                down = amp.group("dir") or amp.group("d2")
                cmp = "reduce_by" if down in ("下降", "降低", "减少", "压减", "降") else "increase_by"
                ind = ind[:amp.start()].strip() or ind
                if re.fullmatch(r"\d+年(?:内|间|来)", ind):
                    return  # 5年内下降幅度达到21%: a span, not a subject (the sentence named it)
            if unit in (":1", "：1"):
                unit = "比值"
            hv = float(high) if high is not None else None
            if hv is not None and hv <= float(val):
                hv = None  # not a range (a dash between two unrelated numbers)
            found.append(Target(ind, float(val), unit_name(unit), cmp, _year, source,
                                _clause[s:e].strip("，, "), _a + s, _a + e, rule=rule, region=region,
                                value_high=hv, year_guess=_guess if _year is not None else "",
                                unit_guess=unit_guess))
            _taken.append((s, e))
            last.update(indicator=ind, comparator=cmp, sentence=_sentence)

        def values_after(pos: int, ind: str, cmp: str, rule: str, clause: str = clause) -> int:
            """新开工49个、256万平方米、3.2万户: values after a target with no noun of their own
            share its subject (and its comparator); returns the end of the list."""
            while n := _P_VALUE_NEXT.match(clause[pos:]):
                suf = n.group("suf") or ""
                c2 = (">=" if suf.startswith("以上") or suf == "及以上" else "<=" if suf in ("以下", "以内")
                      else cmp) if cmp in ("=", ">=", "<=") else cmp
                add(ind, n.group("val"), n.group("unit"), c2, pos + 1, pos + n.end(), rule)
                pos += n.end()
            return pos

        for m in _P_BUILD.finditer(clause):
            ind, verb = m.group("ind"), m.group("verb")
            if re.search(_VERB, ind[-2:]) or re.search(rf"(?:{_VERB})$", ind):
                continue  # 建设…达到 N: the verb rule reads it better
            if ind.startswith(_LEVEL_BUILD_VERBS):
                # 改造形成节能量约5000万吨: the verb next to the noun says what the amount is
                verb, ind = ind[:2], ind[2:]
            ind = ind.removesuffix("约")
            suf = m.group("suf") or ""
            if m.group("unit") in ("%", "‰"):
                # 新建建筑100%符合…: a share of what is built, not a count
                cmp = ">=" if suf.startswith("以") else "="
            elif _REDUCING_NOUN.match(ind) and not suf.startswith("以"):
                cmp = "reduce_by"
            elif verb in _LEVEL_BUILD_VERBS and not suf.startswith("以"):
                # 完成造林300万亩: the amount of work done in the period, counted from its start
                # (a level reached, not a change from a baseline)
                cmp = "="
            else:
                cmp = ">=" if suf.startswith("以") else "increase_by"
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "build_verb",
                m.group("high"))
            pos = values_after(m.end(), ind, cmp, "build_verb_values")
            while True:
                n = _P_LIST_NEXT.match(clause[pos:])
                if not n or _has_verb(n.group("ind")):
                    break
                # the list shares its verb: 完成人工造林300万亩、封山育林300万亩 are both amounts done
                done = verb in _LEVEL_BUILD_VERBS and n.group("unit") not in ("%", "‰")
                cmp2 = (">=" if (n.group("suf") or "").startswith("以")
                        else "reduce_by" if _REDUCING_NOUN.match(n.group("ind"))
                        else "=" if done else "increase_by")
                add(n.group("ind"), n.group("val"), n.group("unit"), cmp2, pos + 1, pos + n.end(),
                    "build_verb_list", n.group("high"))
                pos += n.end()
        for m in _P_BUILD_PRE.finditer(clause):
            if not free(m.start("val"), m.end("val")) or m.group("ind").startswith("的"):
                continue  # 建设10万平方米以上的商场: the number sets a scope
            cmp = (">=" if m.group("suf") == "以上" or re.search(r"至少(?:基本)?$", clause[:m.start()])
                   else "=" if m.group("verb") in _LEVEL_BUILD_VERBS else "increase_by")
            add(m.group("ind"), m.group("val"), m.group("unit"), cmp, m.start(), m.end(),
                "build_count", m.group("high"))
            pos = m.end()
            while n := _P_PRE_NEXT.match(clause[pos:]):
                cmp2 = ">=" if n.group("suf") == "以上" else "increase_by"
                add(n.group("ind"), n.group("val"), n.group("unit"), cmp2, pos, pos + n.end(),
                    "build_count_list", n.group("high"))
                pos += n.end()
        for m in _P_BUILD_ONE.finditer(clause):
            if free(m.start("val"), m.end("val")) and not m.group("ind").startswith("的"):
                add(m.group("ind"), _CN_ONE[m.group("val")], m.group("unit"),
                    ">=" if m.group("pre") else "increase_by", m.start(), m.end(), "build_count_cn")
        for m in _P_VERB.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            ind = m.group("ind")
            if m.group("verb") == "达" and re.search(r"[高多长远]$", ind):
                continue  # 高达/多达/长达 describe how large a thing is, they commit to nothing
            multi = m.group("multi")
            if multi:
                # a bracketed gloss (含工业、生活、农业) is not an item of the list
                names = _with_head([n for n in _LIST_SEP.split(clean_indicator(_NOTE.sub("", ind))) if n])
                if multi == "分别":
                    # X、Y、Z分别达到 a、b、c: one target per (name, value) pair, each value
                    # with its own unit (a value written without one takes the next unit given)
                    mv = _P_MULTI_VALUES.match(clause, m.start("val"))
                    # a value may carry a bracketed sub-target: 11.9%（其中…减少12.6%）、15.5%
                    masked = _NOTE.sub(lambda x: " " * len(x.group(0)), mv.group(0)) if mv else ""
                    vals = list(_P_ONE_VALUE.finditer(masked))
                    if not names and last.get("sentence") == sentence and last.get("names"):
                        # 比2010年的a、b分别减少…: the subject is the previous list of the sentence
                        names = list(last["names"])  # type: ignore[call-overload]
                    span = _YEAR_RANGE.search(text, max(0, a - 200), a + m.start())
                    if len(names) == 1 and mv and len(vals) >= 2 and span and \
                            int(span.group(1)) - int(span.group(0)[:4]) + 1 == len(vals):
                        # 2020-2022年…占比将分别达65%、70%、80%: one value per year of the period
                        y0 = int(span.group(0)[:4])
                        for i, v in enumerate(vals):
                            unit = v.group("unit") or next(
                                (w.group("unit") for w in vals[i + 1:] if w.group("unit")), None)
                            if unit:
                                add(names[0], v.group("val"), unit,
                                    _comparator(m.group("verb"), v.group("suf")), m.start(), mv.end(),
                                    "respectively_years", _year=y0 + i)
                        continue
                    if len(names) >= 2 and (not mv or len(vals) < 2):
                        # A、B分别比2015年下降15%以上: one value for every noun
                        for name in names:
                            add(name, m.group("val"), m.group("unit"),
                                _comparator(m.group("verb"), m.group("suf")), m.start(), m.end(),
                                "respectively_one", m.group("high"))
                        last["names"] = names
                        continue
                    if mv and len(vals) >= 2 and len(names) == len(vals):
                        for i, (name, v) in enumerate(zip(names, vals, strict=True)):
                            unit = v.group("unit") or next(
                                (w.group("unit") for w in vals[i + 1:] if w.group("unit")), None)
                            if unit:
                                add(name, v.group("val"), unit,
                                    _comparator(m.group("verb"), v.group("suf")),
                                    m.start(), mv.end(), "respectively",
                                    unit_guess=not v.group("unit") and unit not in ("%", "‰"))
                        last["names"] = names
                        # the sub-targets in brackets stay free for the rules that follow
                        for x in _NOTE.finditer(mv.group(0)):
                            u, w = mv.start() + x.start(), mv.start() + x.end()
                            taken[:] = [part for p, q in taken
                                        for part in ([(p, u), (w, q)] if p <= u and w <= q else [(p, q)])]
                        continue
                elif len(names) >= 2:
                    # A、B利用率均达到X%: one predicate shared by every noun
                    cmp = _comparator(m.group("verb"), m.group("suf"))
                    for name in names:
                        add(name, m.group("val"), m.group("unit"), cmp, m.start(), m.end(),
                            f"shared:{m.group('verb')}", m.group("high"))
                    continue
            cmp = _comparator(m.group("verb"), m.group("suf"))
            parts = [x for x in clean_indicator(_NOTE.sub("", ind)).split("、") if x]
            if not multi and len(parts) >= 2 and all(
                    len(x) >= 3 and _MEASURE_END.search(x) and not re.search(r"分别|[均各都]|\d", x)
                    for x in parts):
                # 单位GDP用水量、单位工业增加值用水量比2015年降低20%: one value, each noun a measure
                for x in parts:
                    add(x, m.group("val"), m.group("unit"), cmp, m.start(), m.end(),
                        f"shared_list:{m.group('verb')}", m.group("high"))
                continue
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), f"verb:{m.group('verb')}",
                m.group("high"), inherit=True)
            pos = values_after(m.end(), clean_indicator(ind) or str(last.get("indicator", "")), cmp,
                               "verb_values")
            while True:
                # …利用率达到90%、…处理率85%以上: a list continues the verb without repeating it
                n = _P_LIST_NEXT.match(clause[pos:])
                if not n or _has_verb(n.group("ind")):
                    break
                add(n.group("ind"), n.group("val"), n.group("unit"),
                    _comparator(m.group("verb"), n.group("suf")), pos + 1, pos + n.end(),
                    "verb_list", n.group("high"))
                pos += n.end()
        for m in _P_COEF.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            add(m.group("ind"), m.group("val"), "", _comparator(m.group("verb"), m.group("suf")),
                m.start(), m.end(), "coefficient")
        for m in _P_NOVERB.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            if not m.group("suf") and not m.group("g"):
                continue
            cmp = _comparator(None, m.group("suf"))
            add(m.group("ind"), m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "no_verb",
                m.group("high"))
        for m in _P_PART.finditer(clause):
            if not free(m.start("val"), m.end("val")) or cur_year is None:
                continue
            ind = f"{clean_indicator(m.group('ind'))}占{m.group('whole')}比例"
            add(ind, m.group("val"), m.group("unit"), _comparator(None, m.group("suf")),
                m.start(), m.end(), "part_of")
        for m in _P_SHARE.finditer(clause):
            if not free(m.start("val"), m.end("val")):
                continue
            who = re.sub(r"^的", "", m.group("ind"))
            ind = f"{who}的比例"
            # 75%的园区…, 90%左右的村庄… (no bound): a share reached
            cmp = {"以上": ">=", "以下": "<="}.get(m.group("suf") or "", "=")
            add(ind, m.group("val"), m.group("unit"), cmp, m.start(), m.end(), "share")
        if not taken and cur_year is not None:
            # verb-less items of a list of targets: 非化石能源占比15%; 其中现代林业产业基地200万亩;
            # 其中人工造林3万亩、封山育林2万亩 (each item; 其中 may stand in its own clause)
            core = clause.strip()
            off = clause.find(core[:1]) if core else 0
            sub = (core.startswith("其中") or after_qizhong) and last.get("sentence") == sentence
            pos = 0
            for part in core.split("、") if sub else [core]:
                bm = _P_BARE.match(part)
                if bm and not _has_verb(bm.group("ind")):
                    cmp = str(last["comparator"]) if sub else _comparator(None, bm.group("suf"))
                    if _REDUCING_NOUN.match(clean_indicator(bm.group("ind"))):
                        cmp = "reduce_by"  # 减排二氧化碳1.2万吨: an amount of reduction
                    add(bm.group("ind"), bm.group("val"), bm.group("unit"), cmp, off + pos,
                        off + pos + bm.end(), "list_item", bm.group("high"))
                pos += len(part) + 1
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
