"""Responsible units: the registry, name matching, and splitting a task cell into text and units.

The scrape interleaves the unit column with the task text: a table row's lines come
out as ``text line 1 + unit line 1 + text line 2 + unit line 2 …`` and a unit name can
be cut at a unit-column line break (``区经济信`` … ``息委``), or the unit cell can come
first. :func:`split_cell` finds the unit runs, pairs a cut name's head with its tail
further on, and returns the text with the units taken out.

Names are resolved (:meth:`Registry.resolve`) by the alias table first, then by rules
for OCR damage (a unique prefix of a name cut off by the page, a unique tail, a
substitution of characters in place), then fuzzily with rapidfuzz; a match that would
change the unit's level (委 vs 局 …) is never accepted. What stays unresolved is
reported, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from .. import guards
from ..errors import InputError
from .ingest import match_key

#: Characters that end a unit name and tell its level.
LEVEL_CHARS = "委局会社心办行院关门联厅府组"
#: Tiers of government a unit name can start with: a match never moves a unit between them.
ADMIN = "区县市镇乡省"
#: How unit names start in any plan of the genre: a tier of government, the central bank's
#: and regulators' branches, party and youth-league bodies. A plan's own registry adds the
#: first two characters of its names that start otherwise (an industrial park's name …).
GENERIC_STARTS: tuple[str, ...] = ("全区", "全县", "全市", "区", "市", "县", "镇", "乡", "人行", "银",
                                   "团区委", "团县委", "团市委", "中共", "共青团")

FUZZY_CUTOFF = 70.0  # rapidfuzz ratio, 0–100
FUZZY_CUTOFF_LIST = 65.0  # inside a list of units (``A、B、C``) the context is strong
HAMMING_MIN = 0.55  # same length, characters substituted in place (OCR)


@dataclass
class Resolution:
    raw: str
    unit: str | None
    method: str  # alias | prefix | suffix | inplace | fuzzy | subsequence | unresolved
    score: float = 100.0
    candidates: list[str] = field(default_factory=list)


def level(name: str) -> str | None:
    """The level character of a unit name (委, 局 …), or None if it ends otherwise."""
    return name[-1] if name and name[-1] in LEVEL_CHARS else None


class Registry:
    """Canonical units with their aliases (the plan's reference/units.csv)."""

    def __init__(self, frame: pd.DataFrame, source: Path | None = None,
                 unique_names: bool = True) -> None:
        """``unique_names``: a name (full name or alias) listed for two units is an error (a
        plan's registry); the generic one keeps the first unit, by design."""
        need = {"unit", "full_name", "kind", "aliases"}
        missing = need - set(frame.columns)
        if missing:
            raise InputError(f"{source or 'units registry'}: missing column(s) {sorted(missing)}")
        self.frame = frame.fillna("").astype(str)
        self.source = source
        self.alias_to_unit: dict[str, str] = {}
        line_of: dict[str, int] = {}
        for i, row in self.frame.iterrows():
            line = int(i) + 2  # the file's line: its header is line 1
            if not row["unit"].strip():
                raise InputError(f"{source}: 第 {line} 行：unit 为空")
            names = [row["unit"], row["full_name"], *row["aliases"].split("|")]
            for n in names:
                n = n.strip()
                if not n:
                    continue
                key = match_key(n)
                other = self.alias_to_unit.setdefault(key, row["unit"])
                if other != row["unit"] and unique_names:  # which department is meant?
                    raise InputError(f"{source}: 第 {line} 行：名称“{n}”同时属于“{other}”"
                                     f"（第 {line_of[other]} 行）和“{row['unit']}”；"
                                     "一个名称（全称或别名）只能属于一个单位，请删去其中一处")
            line_of.setdefault(row["unit"], line)
        self.units: list[str] = list(self.frame["unit"])
        # Surface forms searched for in text: canonical names and aliases.
        self.surface: list[str] = sorted(
            {n.strip() for r in self.frame.itertuples() for n in [r.unit, *r.aliases.split("|")]
             if n.strip()},
            key=lambda n: (-len(n), n),  # deterministic order (sets iterate by hash)
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> Registry:
        """A plan's registry (its reference/units.csv); without one, the neutral
        registry of generic department names (:func:`generic`)."""
        if path is None:
            return generic()
        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: 找不到责任单位名录（units.csv）")
        return cls(guards.read_plan_csv(p, dtype=str, keep_default_na=False), source=p)

    @cached_property
    def surface_re(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(s) for s in self.surface) or r"(?!x)x")

    @cached_property
    def start_re(self) -> str:
        """Alternation of the ways a unit name starts (generic ones and this registry's)."""
        own = {n[:2] for n in self.surface if n and n[0] not in ADMIN + "全"}
        starts = sorted(set(GENERIC_STARTS) | own, key=lambda x: (-len(x), x))
        return "(?:" + "|".join(re.escape(x) for x in starts) + ")"

    @cached_property
    def clean_name_re(self) -> re.Pattern[str]:
        return re.compile(self.start_re + r"[\u4e00-\u9fff]{1,12}[" + LEVEL_CHARS + "]")

    @cached_property
    def item_re(self) -> re.Pattern[str]:
        return re.compile(self.start_re + r"[^，。、；：（）“”,;:()\s]{0,9}?[" + LEVEL_CHARS + "]")

    @cached_property
    def longest_item_re(self) -> re.Pattern[str]:
        return re.compile(self.start_re + r"[^，。、；：（）“”,;:()\s]{0,9}[" + LEVEL_CHARS + "]")

    def plausible_name(self, raw: str) -> bool:
        """Is ``raw`` a clean unit name (kept as written when not in the registry)?"""
        return bool(self.clean_name_re.fullmatch(raw))

    def rests(self, head: str) -> list[str]:
        """The rests of the names that start with ``head``, longest first (memoised)."""
        cache: dict[str, list[str]] = self.__dict__.setdefault("_rests", {})
        if head not in cache:
            rests = {n[len(head):] for n in self.surface if n.startswith(head) and len(n) > len(head)}
            cache[head] = sorted(rests, key=lambda r: (-len(r), r))
        return cache[head]

    @cached_property
    def prefixes(self) -> set[str]:
        return {s[:i] for s in self.surface for i in range(1, len(s) + 1)}

    def full_name(self, unit: str) -> str:
        row = self.frame[self.frame["unit"] == unit]
        return row["full_name"].iloc[0] if len(row) else ""

    def kind(self, unit: str) -> str:
        row = self.frame[self.frame["unit"] == unit]
        return row["kind"].iloc[0] if len(row) else ""

    # ----------------------------------------------------------------- resolve

    def resolve(self, raw: str, in_list: bool = True) -> Resolution:
        """Canonical unit for a spelling from the plan (see module docstring).

        Memoised per registry: a long annex repeats the same spellings thousands of times,
        and each resolution scans every surface form."""
        cache: dict[tuple[str, bool], Resolution] = self.__dict__.setdefault("_resolved", {})
        hit = cache.get((raw, in_list))
        if hit is None:
            hit = cache[(raw, in_list)] = self._resolve(raw, in_list)
        # a copy (as dataclasses.replace would make it, without its cost)
        return Resolution(hit.raw, hit.unit, hit.method, hit.score,
                          list(hit.candidates) if hit.candidates else hit.candidates)

    def _resolve(self, raw: str, in_list: bool = True) -> Resolution:
        key = match_key(raw)
        if not key:
            return Resolution(raw, None, "unresolved", 0.0)
        if key in self.alias_to_unit:
            return Resolution(raw, self.alias_to_unit[key], "alias")
        lv = level(key)

        def unique(cands: list[str]) -> str | None:
            units = {self.alias_to_unit[match_key(c)] for c in cands}
            return units.pop() if len(units) == 1 else None

        def level_ok(name: str) -> bool:
            # neither the rank (委/局 …) nor the tier of government (区/县/市 …) may change
            if key[0] in ADMIN and name[0] in ADMIN and name[0] != key[0]:
                return False
            return lv is None or level(name) == lv

        surf = [s for s in self.surface if level_ok(s)]
        # A name cut off (page break, lost cell end): a unique prefix.
        if len(key) >= 3 and lv is None:
            u = unique([s for s in surf if s.startswith(key)])
            if u:
                return Resolution(raw, u, "prefix", 90.0)
        # The head of the name lost: a unique tail with its level character.
        if len(key) >= 3 and lv is not None:
            u = unique([s for s in surf if s.endswith(key)])
            if u:
                return Resolution(raw, u, "suffix", 90.0)
        # OCR substitutions in place: same length, same first and last character.
        best: tuple[float, str] | None = None
        for s in surf:
            if len(s) == len(key) and len(s) >= 4 and s[0] == key[0]:
                sim = sum(a == b for a, b in zip(s, key, strict=True)) / len(s)
                if sim >= HAMMING_MIN and (best is None or sim > best[0]):
                    best = (sim, s)
        if best:
            ties = [s for s in surf if len(s) == len(key) and s[0] == key[0]
                    and sum(a == b for a, b in zip(s, key, strict=True)) / len(s) == best[0]]
            u = unique(ties)
            if u:
                return Resolution(raw, u, "inplace", round(best[0] * 100, 1))
        # Fuzzy (indel ratio), with a margin over the runner-up of another unit.
        cutoff = FUZZY_CUTOFF_LIST if in_list else FUZZY_CUTOFF
        hits = process.extract(key, surf, scorer=fuzz.ratio, processor=match_key, limit=6,
                               score_cutoff=cutoff - 15)
        if hits:
            top_name, top_score, _ = hits[0]
            top_unit = self.alias_to_unit[match_key(top_name)]
            rivals = [h for h in hits[1:] if self.alias_to_unit[match_key(h[0])] != top_unit]
            margin = top_score - (rivals[0][1] if rivals else 0.0)
            if top_score >= cutoff and margin >= 5:
                return Resolution(raw, top_unit, "fuzzy", round(top_score, 1))
        # A garbled head kept (≥3 characters incl. 区) and a garbled or lost end.
        if len(key) >= 4 and lv is None:
            for n in range(len(key) - 1, 2, -1):
                u = unique([s for s in surf if s.startswith(key[:n])])
                if u:
                    return Resolution(raw, u, "prefix", 70.0)
        # Characters lost from the middle: a unique supersequence with the same ends.
        if len(key) >= 3 and lv is not None:
            u = unique([s for s in surf if s[0] == key[0] and _is_subsequence(key, s)])
            if u:
                return Resolution(raw, u, "subsequence", 60.0)
        cands = sorted(hits, key=lambda h: (-h[1], h[0]))[:3] if hits else []
        cands = [h[0] for h in cands]
        return Resolution(raw, None, "unresolved", hits[0][1] if hits else 0.0, cands)


#: Generic department names (greenlib/defaults/departments.csv): stem, aliases, kind.
GENERIC_DEPARTMENTS = Path(__file__).resolve().parent.parent / "defaults" / "departments.csv"


def generic(tiers: str = "区县市") -> Registry:
    """The neutral registry: generic department names at each tier (区/县/市), each its own
    full name. Used for a plan without a registry of its own, so no plan ever borrows
    another place's full names."""
    df = pd.read_csv(GENERIC_DEPARTMENTS, dtype=str, keep_default_na=False)
    rows = []
    for tier in tiers:
        for r in df.itertuples():
            unit = tier + r.stem
            aliases = "|".join(tier + a for a in r.aliases.split("|") if a)
            rows.append({"unit": unit, "full_name": unit, "kind": r.kind, "aliases": aliases})
    return Registry(pd.DataFrame(rows), source=GENERIC_DEPARTMENTS, unique_names=False)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


# --------------------------------------------------------------------------- split a cell


@dataclass
class UnitItem:
    """One unit as spelled in the cell; ``spans`` are its pieces in the cell (a cut name has two)."""

    raw: str
    spans: list[tuple[int, int]]


@dataclass
class CellSplit:
    text: str
    text_spans: list[tuple[int, int]]
    items: list[UnitItem]
    unit_spans: list[tuple[int, int]]


_SEP = "、"
_STOP = "，。；：（）“”、,.;:()\"' "
_LIST_TOKEN = re.compile(r"[^，。、；：（）“”,;:()\s\d%]{2,10}?[" + LEVEL_CHARS + "]")


def _find_items(s: str, reg: Registry, open_units: bool = False) -> list[tuple[int, int]]:
    """Spans of whole unit names: exact spellings, then unit-like tokens that resolve."""
    spans: list[tuple[int, int]] = [(m.start(), m.end()) for m in reg.surface_re.finditer(s)]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in spans)

    for m in reg.item_re.finditer(s):
        a, b = m.span()
        # take the longest token ending in a level character (区纪委监委机关 …)
        m2 = reg.longest_item_re.match(s, a)
        if m2 and free(a, m2.end()) and reg.resolve(s[a:m2.end()]).unit:
            b = m2.end()
        if not free(a, b) or _prefix_at(s, a, reg) > b - a:
            continue  # the text goes on spelling a longer name: a cut name, not this token
        in_list = (b < len(s) and s[b] == _SEP) or (a > 0 and s[a - 1] == _SEP) or b == len(s)
        # at the cell end after a sentence or a list: a unit even if its name is garbled
        strong = (b == len(s) or s[b] == _SEP) and (a == 0 or s[a - 1] in "。；、”")
        if strong or reg.resolve(s[a:b], in_list=in_list).unit or (
                open_units and in_list and reg.plausible_name(s[a:b])):
            spans.append((a, b))
    # Tokens in list position that do not start like a unit (``银懒分局、环境局``). A token
    # holds no 、, so those right after one are the ones a scan would find there.
    for m in _after_separators(s):
        a, b = m.span()
        if not free(a, b):
            continue
        after_sep = a > 0 and s[a - 1] == _SEP and any(y == a - 1 for _, y in spans)
        if after_sep and (b == len(s) or s[b] in _SEP) and reg.resolve(s[a:b]).unit:
            spans.append((a, b))
    # A list that ends the cell with a garbled last name without a level character
    # (``…、区农业榻接``): the tail after the last separator, if it resolves.
    if spans:
        last_end = max(y for _, y in spans)
        if last_end < len(s) and s[last_end] == _SEP:
            tail = s[last_end + 1:]
            if 2 <= len(tail) <= 10 and not any(c in _STOP for c in tail) and reg.resolve(tail).unit:
                spans.append((last_end + 1, len(s)))
    return sorted(spans)


def _after_separators(s: str) -> Iterator[re.Match[str]]:
    """The list tokens (:data:`_LIST_TOKEN`) that start right after a 、, in order."""
    i = s.find(_SEP)
    while i >= 0:
        if m := _LIST_TOKEN.match(s, i + 1):
            yield m
        i = s.find(_SEP, i + 1)


def _prefix_at(s: str, i: int, reg: Registry) -> int:
    """Length of the longest unit-name prefix starting at ``s[i]`` (0 if none)."""
    n = 0
    while i + n < len(s) and s[i:i + n + 1] in reg.prefixes:
        n += 1
    return n


def split_cell(s: str, reg: Registry, open_units: bool = False) -> CellSplit:
    """Split a task's cell text into the task text and its responsible units, in order.

    Whole names are found first (:func:`_find_items`); a list ``A、B、`` that ends in the
    head of a cut name (``区经济信``) is completed by the name's tail further on
    (``息委``), which may itself start the rest of the list.
    """
    items = _find_items(s, reg, open_units)
    starts = {a: (a, b) for a, b in items}
    used: set[tuple[int, int]] = set()
    result: list[UnitItem] = []
    unit_spans: list[tuple[int, int]] = []
    claimed: list[tuple[int, int]] = []  # tails found inside text

    def overlaps_claimed(a: int, b: int) -> bool:
        return any(not (b <= x or a >= y) for x, y in claimed)

    for a, b in items:
        if (a, b) in used or overlaps_claimed(a, b):
            continue
        used.add((a, b))
        result.append(UnitItem(s[a:b], [(a, b)]))
        unit_spans.append((a, b))
        end = b
        while end < len(s) and s[end] == _SEP:
            nxt = starts.get(end + 1)
            if nxt and nxt not in used:
                used.add(nxt)
                result.append(UnitItem(s[nxt[0]:nxt[1]], [nxt]))
                unit_spans.append((end, nxt[1]))
                end = nxt[1]
                continue
            unit_spans.append((end, end + 1))
            k = _prefix_at(s, end + 1, reg)
            if k == 0:
                break  # the list goes on in a later unit line
            head = (end + 1, end + 1 + k)
            unit_spans.append(head)
            tail = _find_tail(s, s[head[0]:head[1]], head[1], reg, list(used))
            if tail is None:
                result.append(UnitItem(s[head[0]:head[1]], [head]))
                break
            claimed.append(tail)
            for it in items:  # a tail overrides a shorter guess inside it
                if not (it[1] <= tail[0] or it[0] >= tail[1]):
                    used.add(it)
            result.append(UnitItem(s[head[0]:head[1]] + s[tail[0]:tail[1]], [head, tail]))
            unit_spans.append(tail)
            end = tail[1]
    # A name cut off at the very end of the cell after the text (``…养殖。区农业农``).
    last = max((b for _, b in unit_spans), default=0)
    m = re.search(r"(?:^|[。；”])(" + reg.start_re + r"[^，。、；：（）“”]{1,8})$", s)
    if m and m.start(1) >= last and s[m.start(1):] in reg.prefixes:
        span = (m.start(1), len(s))
        result.append(UnitItem(s[span[0]:span[1]], [span]))
        unit_spans.append(span)
    # Text = everything else, in order: the gaps between the (merged) unit spans.
    text_spans: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(unit_spans):
        b = min(b, len(s))
        if a >= b:
            continue  # covers nothing
        if a > pos:
            text_spans.append((pos, a))
        pos = max(pos, b)
    if pos < len(s):
        text_spans.append((pos, len(s)))
    text = "".join(s[a:b] for a, b in text_spans)
    return CellSplit(text=text, text_spans=text_spans, items=result,
                     unit_spans=sorted(unit_spans))


def _find_tail(s: str, head: str, start: int, reg: Registry,
               taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where the rest of a name whose line was cut after ``head`` continues."""

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    best: tuple[int, int] | None = None
    for rest in reg.rests(head):
        pos = s.find(rest, start + 1)
        while pos != -1 and not free(pos, pos + len(rest)):
            pos = s.find(rest, pos + 1)
        if pos == -1:
            continue
        # the tail ends a name: next is a separator, the cell end, or text
        if best is None or pos < best[0]:
            best = (pos, pos + len(rest))
    if best:
        return best
    # Garbled tail: a short piece after the last sentence end, ending the cell.
    m = re.search(r"[。；”]([^，。、；：（）“”,;]{1,8})(?:、|$)", s[start:])
    if m:
        a, b = start + m.start(1), start + m.end(1)
        if free(a, b) and reg.resolve(head + s[a:b]).unit:
            return (a, b)
    return None
