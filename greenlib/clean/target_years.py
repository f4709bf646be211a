"""The year of a quantitative target: the year wordings the extractor reads, the named periods,
what tells a review of the past from a plan, the text's own date and its title's year
(docs/assumptions.md T2, T10, T16–T18)."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import config

DEFAULT_PERIODS: dict[str, int] = dict(config.DEFAULTS["named_periods"])

#: a year that can head a clause (到2025年, 2015年，…); plans of the 十一五/十二五 period count too
_YEAR_RE = re.compile(r"(?:到|至|在|于)?(20[0-6]\d)年(?:底前|前|底|末)?")
#: a period heading or range: 2018—2020年, 2018年至2020年, 2006年一2010年, 2020-2022年 → its end year
_YEAR_RANGE = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年?\s*(?:[—\-–~～一]{1,2}|至|到)\s*(20[0-6]\d)\s*年(?!\d)")
#: a year after these words is the year planned for: 计划2020年推广…, 确定2011年全省…
_PLANNED = re.compile(r"(?:计划|预计|力争|确保|确定|明确|要求)$")
#: a year named relative to the text's own date (今年, 明年); 本世纪中叶 is 2050
_RELATIVE_YEAR = re.compile(r"(?<![去前])(今年|明年|本世纪中叶|21世纪中叶)")
#: the text's own date (发布时间:2017/12/21, 2020-04-20, 2017年11月8日)
_DOC_DATE = re.compile(r"(?<!\d)(20[0-6]\d)(?:[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)|年\d{1,2}月\d{1,2}日)")

@lru_cache(maxsize=16)
def _period_re(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"[“\"]?({alt})[”\"]?(?:期间|时期|末|要|将)")


def period_year(text: str, periods: dict[str, int] | None = None) -> int | None:
    """The year a named period in ``text`` ends (“十四五”期间 → 2025), from ``periods``
    (default: the library's :data:`greenlib.config.DEFAULTS` named periods)."""
    periods = DEFAULT_PERIODS if periods is None else periods
    rx = _period_re(tuple(periods))
    m = rx.search(text) if rx else None
    return int(periods[m.group(1)]) if m else None


#: a review of an earlier period: “十三五”期间/以来, 过去五年, 近年来, 截至2020年
_RETRO = re.compile(
    r"“?(?P<period>十[一二三四五六七八九]?五)”?(?P<how>期间|时期|以来)|过去[一二三四五六七八九十\d]+年|"
    r"近[一二三四五六七八九十\d]*年来|截至20\d\d年|"
    # progress already made and reviews (issue 18): 截至目前/截至9月/截至去年底, 目前, 据统计,
    # 基本情况, 工作回顾, 一年来, 近3年
    r"截至(?:目前|今年|去年|上年|年底|\d{1,2}月)|(?<![在从按照])目前|据统计|基本情况|工作回顾|一年来|"
    r"过去一年|近[一二三四五六七八九十\d]+年(?!内)|"
    # a figure to a month or for months of the year (至109年1-10月份, 1—9月): progress reported
    r"(?<!\d)\d{1,2}\s*[-—–~至]\s*\d{1,2}\s*月份?"
)
#: words that turn a text back to what is planned: 到2025年, 2025年底前, 今后, 面向“十四五”
_FORWARD = re.compile(
    r"(?<!截)(?:到|至)\s*20\d\d\s*年|20\d\d年(?:底)?前|今后|未来|面向|展望|力争|规划期|目标[是为]|"
    r"(?<![去前])(?:今年|明年)(?!以来)|计划(?=完成|实施|新增|建设|推广|改造|投资|造林)")
#: a sentence that reports work done (通报了…，…圆满完成了…) states results, not targets
_DONE = re.compile(r"(?:圆满|超额)完成了|通报了")
#: a past point in time in a clause that reports it done: 2020年…已…, 2020年…提高了…
_PAST_YEAR = re.compile(
    r"(?<![到至比较于与])(?P<y>20\d\d)年(?!底?前|末|底)(?=[^，。；]*(?:已|(?<!为)了(?!解)))"
)


def horizon_year(text: str, periods: dict[str, int] | None = None) -> int | None:
    """The earliest year ``text`` plans for (到2022年, “十四五”末 …): a period that ends
    before it (“十三五”期间 in a plan to 2025) is a review of the past."""
    periods = DEFAULT_PERIODS if periods is None else periods
    ys = [int(m.group(1)) for m in re.finditer(r"(?<!截)(?:到|至)\s*(20\d\d)\s*年(?!的)", text)
          if not re.search(r"从[^，。；]{0,16}$", text[max(0, m.start() - 16):m.start()])]
    rx = _period_re(tuple(periods))
    if rx:
        ys += [int(periods[m.group(1)]) for m in rx.finditer(text)
               if re.match(r"(?:到|至)", text[max(0, m.start() - 1):m.start()])]
    return min(ys) if ys else None


def _is_retro(m: re.Match[str], periods: dict[str, int], horizon: int | None) -> bool:
    if not m.group("period"):
        return True
    if m.group("how") == "以来":
        return True
    y = periods.get(m.group("period"))
    return y is not None and horizon is not None and y < horizon


def doc_year(text: str) -> int | None:
    """The year of the text's own date (发布时间:2017/12/21, 2017年11月8日), the first one given."""
    m = _DOC_DATE.search(text)
    return int(m.group(1)) if m else None


def title_year(text: str) -> int | None:
    """The one year a plan's title names (关于印发××县2021年秸秆综合利用工作方案): the first
    non-empty line, or a 关于印发…的通知 line, when it names exactly one year."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    cands = [ln for ln in lines[:3] if re.search(r"方案|计划|规划|意见|要点|通知", ln)]
    # the opening formula: 为切实做好2017年…工作，…特制定本方案
    head = re.search(r"为[^。]{0,30}?做好[^。\d]{0,3}(20[0-6]\d)年[^。]{0,60}?制[定订][^。]{0,12}"
                     r"(?:方案|计划)", "\n".join(lines[:12]))
    for ln in cands:
        ys = set(re.findall(r"(?<!\d)(20[0-6]\d)年(?!\d{1,2}月)", ln))
        if len(ys) == 1 and not _YEAR_RANGE.search(ln):
            return int(ys.pop())
    return int(head.group(1)) if head else None
