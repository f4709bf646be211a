"""Repair OCR damage in annex task text from the body's copy and the fixed wordings.

Plans of this genre copy many annex tasks from the body's key-task paragraphs, and the
scrape garbles the two copies differently (the annex table far more). Each clause of an
annex task is **aligned** with the body's copy of the same words (the best-matching window of
the body, found with rapidfuzz) and the two are compared with difflib opcodes. A run of
differences inside the aligned span is replaced by the body's characters only when

* the annex run is *garbled*: it holds non-Chinese debris (``U``, ``&``, ``？``), a rare
  character (outside GB2312 level 1, the 3,755 common characters), a character found nowhere
  else in the plan, or one character standing for two or more of the body's; and
* the body's run is clean, and neither run holds a digit (numbers are never touched; a lone
  digit inside garble such as ``监测5关动`` is debris, not a number).

Differences made of ordinary words (科研院所 where the body says 科研机构, 全力 for 全面) are
the annex's own wording and are kept, and so are differences at the ends of an alignment.
A second pass does the same against a small list of fixed national wordings of the genre
(``greenlib/defaults/wordings.csv``: 国发〔2021〕4号, the 绿色学校/社区/出行/商场/建筑 创建行动
texts, common indicator names; generic phrases, no place names).

Every repair is traceable: :class:`Repair` lists each edit with its source (``body:<offset>``,
the offset of the body text used, or ``wording:<id>``); the pipeline keeps the text before
repair as ``text_ocr``; :mod:`greenlib.clean.doubt` scores what is left for 原文识别存疑.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

from rapidfuzz import fuzz

from .chars import CJK_RE as _CJK
from .chars import debris, rare
from .wordings import WORDINGS as WORDINGS  # (kept importable from here)
from .wordings import Wording, index_of, load_wordings

#: A clause is aligned with the body only if the aligned spans are at least this similar.
MIN_SIMILARITY = 65.0
#: … and a character the OCR lost is put back only from a closer copy.
MIN_SIMILARITY_INSERT = 85.0

_SENT_RE = re.compile(r"[^。；]+[。；]?")
_QUOTES = set("“”")
UNIT_AFTER_DIGIT = set("年月日个万亿元处项家座户名人吨度倍条台套所")


@dataclass
class Repair:
    text: str
    #: (annex piece, new piece) for each repair, in order
    edits: list[tuple[str, str]] = field(default_factory=list)
    #: where each repair's new piece comes from: ``body:<offset>`` or ``wording:<id>``
    sources: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The repairs as one cell: ``old→new@source；…`` (∅ for nothing)."""
        return "；".join(f"{show(a)}→{show(b)}@{s}" for (a, b), s in
                        zip(self.edits, self.sources, strict=True))


def show(piece: str) -> str:
    """A repaired piece as written in the ``repairs`` cell (∅ for nothing; ； as ;)."""
    return piece.replace("；", ";") or "∅"


def sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENT_RE.finditer(text) if m.group(0).strip()]


def clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r"(?<=[，。；])", sentence) if c]


# --------------------------------------------------------------------------- characters


class Context:
    """Character frequencies of the whole plan and of the body (to tell debris from words).

    The answers per character are kept: ``counts`` and ``body`` must not change meanwhile."""

    def __init__(self, counts: Counter[str], body: str | Counter[str]) -> None:
        self.counts = counts
        self.body = body if isinstance(body, Counter) else Counter(body)
        self._odd: dict[str, bool] = {}
        self._odd_common: dict[str, bool] = {}

    def odd(self, c: str) -> bool:
        hit = self._odd.get(c)
        if hit is None:
            hit = self._odd[c] = self._is_odd(c)
        return hit

    def odd_common_in(self, text: str) -> list[str]:
        """The common Chinese characters (no rare ones) of ``text`` that are odd in this plan."""
        memo = self._odd_common
        for c in set(text):
            if c not in memo:  # (not set - memo.keys(): that would walk the whole memo)
                memo[c] = bool(_CJK.match(c)) and not rare(c) and self.odd(c)
        return [c for c in text if memo[c]]

    def _is_odd(self, c: str) -> bool:
        if c == "？" or c == "?" or debris(c) or rare(c):
            return True
        if not _CJK.match(c):
            return False
        n = self.counts[c]
        return n <= 1 or (n <= 2 and self.body[c] == 0)

    def garbled(self, a: str, b: str, joined: bool = True) -> bool:
        if any(self.odd(c) for c in a):
            return True
        if not all(_CJK.match(c) for c in a + b) or set(a) & set(b):
            return False
        # one character read as two (一字拆分: 名录→绿), against a fixed wording only: in the
        # body the two characters are as often the annex's own word (责任制 / 体制)
        if not joined and len(a) == 2 and len(b) == 1:
            return True
        # one character standing for two or more (两字粘连): 期→支持, 母→大宗
        return joined and len(a) == 1 and len(b) >= 2

    def clean(self, b: str) -> bool:
        return not any(c == "？" or debris(c) or rare(c) for c in b)


def _digits_are_debris(a: str, left: str, right: str) -> bool:
    """Digits in ``a`` that are OCR debris: lone digits between Chinese, not a quantity."""
    s = left[-1:] + a + right[:1]
    for m in re.finditer(r"\d+", s):
        if m.end() - m.start() > 1:
            return False
        before, after = s[m.start() - 1:m.start()], s[m.end():m.end() + 1]
        if not (_CJK.match(before or "x") or debris(before or "x")):
            return False
        if after in UNIT_AFTER_DIGIT or after in "%％.:：" or not after:
            return False
    return True


# --------------------------------------------------------------------------- alignment


_DELIM = "，。；、：\n"


def _merge(annex: str, ref: str, ref_pos: int, source: str, ctx: Context, sentence: str,
           edges: str = "clause") -> tuple[str, list[tuple[str, str, str]]]:
    """``annex`` with its garbled runs replaced from ``ref`` (aligned copy of the same words).

    Differences before the first and after the last agreement are the ends of the alignment
    (a task may cut or join the body's sentences) and are left alone, except a mostly
    garbled end that fills the same place: up to the clause's edge in a body window
    (``edges="clause"``), or the wording's own first or last characters (``edges="phrase"``).
    """
    ops = SequenceMatcher(None, annex, ref, autojunk=False).get_opcodes()
    # agreements that anchor the alignment: two characters, or one at the annex piece's end
    # (or, for a wording, one at the wording's own start or end)
    anchors = [i for i, o in enumerate(ops) if o[0] == "equal"
               and (o[2] - o[1] >= 2 or o[1] == 0 or o[2] == len(annex)
                    or (edges == "phrase" and (o[3] == 0 or o[4] == len(ref))))]
    if not anchors:
        return annex, []
    lo, hi = anchors[0], anchors[-1]
    a_lo, a_hi = ops[lo][1], ops[hi][2]
    b_lo, b_hi = ops[lo][3], ops[hi][4]
    sim = fuzz.ratio(annex[a_lo:a_hi], ref[b_lo:b_hi])
    agree = sum(o[2] - o[1] for o in ops[lo:hi + 1] if o[0] == "equal")
    if sim < MIN_SIMILARITY or agree < max(4, (a_hi - a_lo) // 2):
        return annex, []
    # runs of differences, joined across a single agreeing character (翦髓能原 → 索搭建能源)
    groups: list[list[int]] = []
    for i in range(lo + 1, hi):
        if ops[i][0] == "equal":
            continue
        if groups and groups[-1][-1] == i - 2 and ops[i - 1][2] - ops[i - 1][1] == 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    replace: dict[int, tuple[int, int, str]] = {}  # a0 → (a1, b0, new)

    def ok(a0: int, a1: int, b0: int, b1: int) -> bool:
        a, b = annex[a0:a1], ref[b0:b1]
        if any(ch.isdigit() for ch in b):
            return False
        if any(ch.isdigit() for ch in a) and not _digits_are_debris(a, annex[:a0], annex[a1:]):
            return False
        if not a:  # a character the OCR lost (准和 → 准入和), or a lost quote mark
            if b in _QUOTES:
                return sentence.count("“") != sentence.count("”")
            return len(b) == 1 and bool(_CJK.match(b)) and sim >= MIN_SIMILARITY_INSERT
        if not ctx.clean(b):
            return False
        if not b:  # a stray letter or symbol
            return all(debris(ch) for ch in a)
        # a Chinese character reads as at most two Latin letters or symbols (水 → ZK)
        if len(b) > len(a) + 2 or len(a) > 2 * len(b) + 1 or (all(debris(c) for c in a)
                                                             and len(b) > len(a)):
            return False
        return ctx.garbled(a, b, joined=edges == "clause")

    def member_ok(i: int) -> bool:
        _, x0, x1, y0, y1 = ops[i]
        return ok(x0, x1, y0, y1) or (x1 - x0 == 1 and y1 - y0 == 1)

    for g in groups:
        a0, a1, b0, b1 = ops[g[0]][1], ops[g[-1]][2], ops[g[0]][3], ops[g[-1]][4]
        if len(g) > 1 and ok(a0, a1, b0, b1) and all(member_ok(i) for i in g):
            replace[a0] = (a1, b0, ref[b0:b1])
            continue
        for i in g:
            _, x0, x1, y0, y1 = ops[i]
            if ok(x0, x1, y0, y1):
                replace[x0] = (x1, y0, ref[y0:y1])

    def mostly_garbled(a: str, b: str) -> bool:
        # strong evidence (debris, a rare character) and mostly odd characters
        return (bool(a) and bool(b) and 5 * sum(ctx.odd(c) for c in a) >= 2 * len(a)
                and (edges == "clause" or any(debris(c) or rare(c) or c in "？?" for c in a))
                and abs(len(a) - len(b)) <= 2 and ctx.clean(b)
                and not any(c.isdigit() for c in a + b) and not any(c in _DELIM for c in a))

    # the ends: a garbled start or end of the annex piece, in the place of the ref's words
    if edges == "clause":
        if a_lo > 0:
            p0 = max(ref.rfind(d, 0, b_lo) for d in _DELIM) + 1
            if mostly_garbled(annex[:a_lo], ref[p0:b_lo]):
                replace[0] = (a_lo, p0, ref[p0:b_lo])
        if a_hi < len(annex):
            ends = [j for d in _DELIM if (j := ref.find(d, b_hi)) >= 0]
            p1 = min(ends) if ends else len(ref)
            if mostly_garbled(annex[a_hi:], ref[b_hi:p1]):
                replace[a_hi] = (len(annex), b_hi, ref[b_hi:p1])
    else:  # phrase: the wording's own first/last characters, against as many of the annex
        if b_lo > 0 and a_lo >= b_lo and mostly_garbled(annex[a_lo - b_lo:a_lo], ref[:b_lo]):
            replace[a_lo - b_lo] = (a_lo, 0, ref[:b_lo])
        tail = len(ref) - b_hi
        if tail and len(annex) - a_hi >= tail and mostly_garbled(annex[a_hi:a_hi + tail], ref[b_hi:]):
            replace[a_hi] = (a_hi + tail, b_hi, ref[b_hi:])
    out: list[str] = []
    edits: list[tuple[str, str, str]] = []
    i = 0
    while i < len(annex) or i in replace:
        if i in replace:
            a1, b0, new = replace.pop(i)
            out.append(new)
            edits.append((annex[i:a1], new, source.format(ref_pos + b0)))
            if a1 > i:
                i = a1
                continue
        if i < len(annex):
            out.append(annex[i])
        i += 1
    return "".join(out), edits


@dataclass
class Body:
    """The body text the annex is repaired from, joined, with the plan offset of each character."""

    text: str
    offsets: list[int]

    @cached_property
    def chars(self) -> Counter[str]:
        """Character counts of the body (counted once, not once per task)."""
        return Counter(self.text)

    def context(self, counts: Counter[str]) -> Context:
        """The characters' context with the plan's ``counts``, kept for the next task while
        ``counts`` is the same object (which must not change meanwhile)."""
        ctx: Context | None = self.__dict__.get("_context")
        if ctx is None or ctx.counts is not counts:
            ctx = self.__dict__["_context"] = Context(counts, self.chars)
        return ctx

    @classmethod
    def of(cls, pieces: Sequence[str] | Sequence[tuple[int, str]]) -> Body:
        text, offs = [], []
        pos = 0
        for p in pieces:
            start, s = p if isinstance(p, tuple) else (pos, p)
            text.append(s + "\n")
            offs += [*range(start, start + len(s) + 1)]
            pos += len(s) + 1
        return cls("".join(text), offs)


def _from_body(core: str, body: Body, ctx: Context,
               sentence: str) -> tuple[str, list[tuple[str, str, str]]]:
    """One clause repaired from the body's best-matching window (never across body segments)."""
    if not body.text or len(core) < 6:
        return core, []
    al = fuzz.partial_ratio_alignment(core, body.text, score_cutoff=55)
    if al is None:
        return core, []
    pad = len(core) // 3 + 2
    mid = (al.dest_start + al.dest_end) // 2
    seg_lo = body.text.rfind("\n", 0, mid) + 1
    seg_hi = body.text.find("\n", mid)
    w0 = max(seg_lo, al.dest_start - pad)
    w1 = min(seg_hi if seg_hi >= 0 else len(body.text), al.dest_end + pad)
    fixed, e = _merge(core, body.text[w0:w1], w0, "body:{}", ctx, sentence)
    # positions in the joined body → plan offsets
    return fixed, [(a, b, f"body:{body.offsets[int(s[5:])]}") for a, b, s in e]


def _split(a: str, b: str) -> bool:
    """``a`` is two ordinary characters where the reference has one (一字拆分)."""
    return len(a) == 2 and len(b) == 1 and all(_CJK.match(c) for c in a + b)


def _one_wording(text: str, ctx: Context, wd: Wording) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` repaired where it nearly says the wording ``wd`` (no edits: unchanged)."""
    # (with the cutoff, rapidfuzz skips windows that cannot reach it: same answer)
    if len(wd.phrase) < 4 or wd.phrase in text or len(wd.phrase) > len(text) \
            or fuzz.partial_ratio(wd.phrase, text, score_cutoff=60) < 60:
        return text, []
    al = fuzz.partial_ratio_alignment(wd.phrase, text)
    pad = len(wd.phrase) // 2 + 2
    c0, c1 = max(0, al.dest_start - pad), min(len(text), al.dest_end + pad)
    sentence = next((s for s in sentences(text[c0:]) if s), text)
    fixed, e = _merge(text[c0:c1], wd.phrase, 0, f"wording:{wd.id}", ctx, sentence, "phrase")
    # a lost character is put back, or two characters joined into one, only where the
    # whole wording then reads (水资源循环利用 is no misreading of 污水资源化利用)
    if not e or (any(not a or _split(a, b) for a, b, _ in e) and wd.phrase not in fixed):
        return text, []
    return text[:c0] + fixed + text[c1:], e


def _from_wordings(text: str, ctx: Context,
                   wordings: Sequence[Wording]) -> tuple[str, list[tuple[str, str, str]]]:
    """``text`` repaired where it nearly says one of the genre's fixed wordings.

    A wording that repaired something is aligned once more: with the debris gone the copy
    may now be close enough to put back a character the OCR lost (污ZK资源化用 → 污水资源化用
    → 污水资源化利用).
    """
    edits: list[tuple[str, str, str]] = []
    index = index_of(wordings)
    near = index.candidates(text)
    k = 0
    while k < len(near):
        i = near[k]
        k += 1
        wd = wordings[i]
        text, e = _one_wording(text, ctx, wd)
        if not e:
            continue
        if wd.phrase not in text:
            text, e2 = _one_wording(text, ctx, wd)
            e += e2
        edits += e
        # the text changed: the wordings after this one, against the new text
        near, k = [j for j in index.candidates(text) if j > i], 0
    return text, edits


def repair_text(text: str, body_sentences: Sequence[str] | Sequence[tuple[int, str]] | Body,
                counts: Counter[str] | None = None,
                wordings: Sequence[Wording] | None = None) -> Repair:
    """``text`` with its garbled runs replaced from the body's copy and the fixed wordings.

    ``body_sentences`` are the body's texts (optionally ``(plan offset, text)`` pairs, then
    the sources name plan offsets); ``counts`` are the character frequencies of the whole
    plan; ``wordings`` default to :func:`load_wordings` (pass ``()`` for none).
    """
    body = body_sentences if isinstance(body_sentences, Body) else Body.of(body_sentences)
    counts = counts if counts is not None else Counter(body.text + text)
    ctx = body.context(counts)
    wordings = load_wordings() if wordings is None else wordings
    out: list[str] = []
    rep = Repair(text)
    done = 0
    for sent in sentences(text):
        for piece in clauses(sent):
            core = piece.rstrip("，。；")
            fixed, e = _from_body(core, body, ctx, sent)
            out.append(fixed + piece[len(core):])
            done += len(piece)
            for a, b, src in e:
                rep.edits.append((a, b))
                rep.sources.append(src)
    fixed, e = _from_wordings("".join(out) + text[done:], ctx, wordings)
    for a, b, src in e:
        rep.edits.append((a, b))
        rep.sources.append(src)
    rep.text = fixed
    return rep


def position_map(new: str, old: str) -> list[int]:
    """For every position of ``new`` (and its end), the matching position in ``old``.

    Used to keep raw offsets for text that was repaired: an unchanged character maps to
    itself, a repaired one to the start of the piece it replaced.
    """
    pos = [0] * (len(new) + 1)
    for op, a0, a1, b0, _b1 in SequenceMatcher(None, new, old, autojunk=False).get_opcodes():
        for i in range(a0, a1):
            pos[i] = b0 + (i - a0) if op == "equal" else b0
    pos[len(new)] = len(old)
    return pos
