"""Parse a normalised plan: the body (总体要求, 主要目标, key tasks) and the annex table.

Numbers in the scrape are unreliable (garbled digits inside words, page numbers), so
structure is read *in sequence*: task ``n + 1`` is looked for after task ``n``, a
section heading is the next numeral in order (a garbled ``(-)`` or ``()`` takes the
number the sequence gives it), and a digit that breaks the sequence is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest import Normalized

NUMERALS = "一二三四五六七八九十"


def cn_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三, 105 → 一百零五 (a long annex has >99 sections)."""
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        head = (cn_numeral(hundreds) if hundreds < 100 else str(hundreds)) + "百"
        return head + ("" if not rest else ("零" + cn_numeral(rest)) if rest < 10
                       else ("一" + cn_numeral(rest)) if rest < 20 else cn_numeral(rest))
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + (NUMERALS[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def parse_cn_numeral(s: str) -> int | None:
    s = s.strip()
    if not s or any(c not in NUMERALS for c in s):
        return None
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (NUMERALS.index(a) + 1 if a else 1) * 10 + (NUMERALS.index(b) + 1 if b else 0)
    return NUMERALS.index(s) + 1 if len(s) == 1 else None


@dataclass
class Heading:
    number: int
    title: str
    start: int  # normalised offsets
    end: int
    garbled: bool = False


@dataclass
class AnnexTask:
    task_id: int
    part: int
    section: int
    start: int  # offset of the task number (normalised)
    body_start: int  # first character after the number
    end: int  # end of the cell (before the next heading / task)


@dataclass
class BodyTask:
    number: int
    title: str
    start: int
    end: int
    system: int | None = None


@dataclass
class ParsedPlan:
    norm: Normalized
    title: str
    main_targets: tuple[int, int] | None
    body: tuple[int, int]
    body_tasks: list[BodyTask]
    annex: tuple[int, int] | None
    parts: list[Heading] = field(default_factory=list)
    sections: list[Heading] = field(default_factory=list)
    tasks: list[AnnexTask] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


# ------------------------------------------------------------------ annex location

_ANNEX_RE = re.compile(r"附件[:：]?\s*\d?")
_TABLE_HEADER_RE = re.compile(
    r"(?:类别|序号)?\s*(?:重点任务|主要任务|工作任务|任务内容)\s*(?:责.单位|牵头单位|责任部门)"
)


def find_annex(text: str) -> tuple[int, int] | None:
    """(start of the annex, start of the table rows) or None when there is no task table."""
    hdr = _TABLE_HEADER_RE.search(text)
    if not hdr:
        return None
    annex_starts = [m.start() for m in _ANNEX_RE.finditer(text, 0, hdr.start())]
    start = annex_starts[0] if annex_starts else hdr.start()
    return start, hdr.end()


# ------------------------------------------------------------------ body

_MAIN_TARGETS_RE = re.compile(
    r"(?:^|(?<=[\n。：:]))\s*(?:[（(][一二三四五六七八九十\-]{1,3}[)）]|[一二三四五六七八九十]、)?\s*"
    r"(?:主要目标|发展目标|工作目标|总体目标)\s*(?:[。：:\n]|(?=到20))"
)
_NEXT_HEADING_RE = re.compile(r"[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十\-]{1,3}[)）]")


def find_main_targets(text: str, limit: int) -> tuple[int, int] | None:
    """Span of the 主要目标 paragraph (to the next heading of any level)."""
    m = _MAIN_TARGETS_RE.search(text, 0, limit)
    if not m:
        return None
    nxt = _NEXT_HEADING_RE.search(text, m.end(), limit)
    return m.start(), nxt.start() if nxt else limit


_YEAR_LEAD_RE = re.compile(r"(?:到|至)\s*20[2-3]\d\s*年")


def guess_main_targets(text: str, limit: int) -> tuple[int, int] | None:
    """Without a 主要目标 heading (a news report, a short 意见): the first passage that
    opens with 到20XX年 and states at least two quantitative targets."""
    from .targets import extract

    for m in _YEAR_LEAD_RE.finditer(text, 0, limit):
        start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        end = text.find("\n", m.end(), limit)
        end = limit if end == -1 else end
        nxt = _YEAR_LEAD_RE.search(text, m.end(), end)
        if nxt and "2035" in nxt.group(0):
            end = nxt.start()
        if len(extract(text[start:end], "main_targets")) >= 2:
            return start, end
    return None


def find_body_tasks(text: str, start: int, end: int) -> list[BodyTask]:
    """Numbered key tasks ``1．推进工业绿色升级。`` in sequence, with the system they sit under."""
    out: list[BodyTask] = []
    pos = start
    n = 1
    while True:
        pat = re.compile(rf"(?<![\d.．%])({n})\s*[.．，,、]\s*(?=[\u4e00-\u9fff])")
        m = pat.search(text, pos, end)
        if not m:
            break
        title_end = text.find("。", m.end(), end)
        title = text[m.end(): title_end if 0 < title_end - m.end() <= 30 else m.end()]
        out.append(BodyTask(n, title, m.start(), end))
        if len(out) > 1:
            out[-2].end = m.start()
        pos = m.end()
        n += 1
    # systems: （一）…（六） headings inside the key-task chapter
    for t in out:
        before = text[start:t.start]
        n_systems = len(re.findall(r"[（(](?:[一二三四五六七八九十]{1,3}|-)[)）]", before))
        t.system = n_systems or None
    if out:
        stop = re.search(r"[一二三四五六七八九十]{1,2}、(?:保障措施|组织实施|保障)", text[out[-1].start:end])
        if stop:
            out[-1].end = out[-1].start + stop.start()
    return out


# ------------------------------------------------------------------ annex

_PART_RE = re.compile(r"([一二三四五六七八九十]{1,2})、")
_SECTION_RE = re.compile(r"[（(]([^()（）]{0,4})[)）]")
#: a list of responsible units (…局、区…): text after a bracket that is a unit cell, not a title
_UNIT_LIST_RE = re.compile(r"、(?:区|县|市|镇|乡)")


#: a task number: not part of a longer number or a decimal, not a year/percent/quantity.
#: One pattern for every number (compiling one per number made long annexes quadratic-slow:
#: each compile of the CJK class costs milliseconds and re's cache holds only 512).
_TASK_NUMBER_RE = re.compile(
    r"(?<![\d.．%:：])(\d+)(?![\d.．%年月日万亿个天处号期批项条:：])"
    r"(?=[\u4e00-\u9fff“”\"（(A-Za-z_])"
)


def _find_task_number(text: str, n: int, pos: int, end: int) -> re.Match[str] | None:
    """The first place in ``text[pos:end]`` where task number ``n`` stands."""
    want = str(n)
    for m in _TASK_NUMBER_RE.finditer(text, pos, end):
        if m.group(1) == want:
            return m
    return None


def parse_annex(text: str, start: int, end: int) -> tuple[list[Heading], list[Heading],
                                                          list[AnnexTask], list[dict]]:
    """Parts, sections and numbered tasks of the annex table in ``text[start:end]``."""
    problems: list[dict] = []
    # 1. task numbers in sequence
    numbers: list[tuple[int, int, int]] = []  # (n, start, end)
    pos = start
    n = 1
    misses = 0
    while pos < end:
        m = _find_task_number(text, n, pos, end)
        m_next = _find_task_number(text, n + 1, pos, end)
        if m and m_next and m_next.start() < m.start() and misses < 2:
            # n+1 comes first: n is lost (or garbled) in the scrape; its "n" further on is text
            m = None
        if not m:
            if not m_next or misses >= 2:
                break
            problems.append({"kind": "task_number_missing", "task_id": n, "raw": "",
                             "detail": f"附件中未找到第{n}项任务编号（第{n - 1}项与第{n + 1}项之间）"})
            misses += 1
            n += 1
            continue
        numbers.append((n, m.start(), m.end()))
        pos = m.end()
        n += 1

    # 2. headings between tasks: a part heading 二、… and/or a section heading (x)…
    parts: list[Heading] = []
    sections: list[Heading] = []
    bounds = [(numbers[i][1], numbers[i + 1][1] if i + 1 < len(numbers) else end)
              for i in range(len(numbers))]
    first_task = numbers[0][1] if numbers else end
    heading_zones = [(start, first_task)] + [(b[0], b[1]) for b in bounds]
    cell_end: dict[int, int] = {}
    place: dict[int, tuple[int, int]] = {}  # task id → (part, section)
    part_no, section_no = 0, 0
    for zi, (za, zb) in enumerate(heading_zones):
        zone = text[za:zb]
        # look for the LAST section heading whose title runs to the zone end (≤ 40 chars)
        sec_m = None
        for m in _SECTION_RE.finditer(zone):
            inner = m.group(1).strip()
            val = parse_cn_numeral(inner)
            garbled = val is None and not re.search(r"[\u4e00-\u9fff]", inner)
            tail = zone[m.end():]
            if (val == section_no + 1 or garbled) and len(tail) <= 40 and not _UNIT_LIST_RE.search(tail):
                sec_m = m
        part_m = None
        search_to = sec_m.start() if sec_m else len(zone)
        for m in _PART_RE.finditer(zone, 0, search_to):
            val = parse_cn_numeral(m.group(1))
            if val == part_no + 1 and len(zone) - m.start() <= 80:
                part_m = m
                break
        cut = len(zone)
        if part_m:
            part_no += 1
            ptitle_end = sec_m.start() if sec_m else len(zone)
            parts.append(Heading(part_no, zone[part_m.end():ptitle_end].strip("。 "),
                                 za + part_m.start(), za + ptitle_end))
            cut = part_m.start()
        if sec_m:
            inner = sec_m.group(1).strip()
            section_no += 1
            garbled = parse_cn_numeral(inner) != section_no
            title = zone[sec_m.end():].strip()
            title = re.sub(r"[。.Qo]$", "", title)
            sections.append(Heading(section_no, title, za + sec_m.start(), zb, garbled=garbled))
            if garbled:
                first = numbers[zi][0] if zi < len(numbers) else None  # the section's first task
                problems.append({"kind": "section_number_garbled", "task_id": first,
                                 "raw": sec_m.group(0),
                                 "detail": f"章节标题编号“{sec_m.group(0)}”识别错误，"
                                           f"按顺序判定为（{cn_numeral(section_no)}）"})
            cut = min(cut, sec_m.start())
        if zi > 0:
            cell_end[numbers[zi - 1][0]] = za + cut
        if zi > 0 and part_no == 0:
            part_no = 1
        if zi > 0 and section_no == 0:
            section_no = 1
        # the task after this zone belongs to the part and section read so far
        if zi < len(numbers):
            place[numbers[zi][0]] = (part_no, section_no)
    tasks = [
        AnnexTask(task_id=n, part=place[n][0], section=place[n][1], start=a, body_start=b,
                  end=cell_end.get(n, bounds[i][1]))
        for i, (n, a, b) in enumerate(numbers)
    ]
    return parts, sections, tasks, problems


def parse(norm: Normalized) -> ParsedPlan:
    """Parse the normalised plan into its structure (offsets are normalised offsets)."""
    text = norm.text
    annex = find_annex(text)
    body_end = annex[0] if annex else len(text)
    title_m = re.search(r"关于[^。，,]{4,60}?(?:实施方案|实施意见|行动方案|工作方案|意见|方案|规划)",
                        text[:400])
    title = title_m.group(0) if title_m else text[:40].strip()
    main = find_main_targets(text, body_end) or guess_main_targets(text, body_end)
    kt = re.search(r"[一二三四五六七八九十]{1,2}、\s*(?:重点任务|主要任务|重点工作)", text[:body_end])
    body_tasks = find_body_tasks(text, kt.end(), body_end) if kt else []
    plan = ParsedPlan(norm=norm, title=title, main_targets=main, body=(0, body_end),
                      body_tasks=body_tasks, annex=annex)
    if annex:
        plan.parts, plan.sections, plan.tasks, plan.problems = parse_annex(text, annex[1], len(text))
    return plan
