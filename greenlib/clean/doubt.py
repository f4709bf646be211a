"""How doubtful an annex task text still is after repair: the reports' 原文识别存疑.

:func:`doubt` scores a text 0–1 with its reasons in Chinese; at :data:`DOUBTFUL` or above the
task is marked ``text_doubtful`` and the reports show the raw text beside it instead of
presenting it as clean. The signals, from strongest to weakest: debris (Latin letters, ？,
symbols) and rare characters; a lone digit inside Chinese; a piece that still differs from the
body's copy of the same sentence (with an odd character, by a lost character, or by
punctuation inside a word); a text that nearly says a fixed wording but still differs inside
it; a repair that rebuilt three or more characters from one; a misreading the body showed
elsewhere (the second list of :func:`compare_body`); characters no known word covers
(:mod:`greenlib.clean.wordcheck`). The weights are tuned with ``tests/score_doubt.py`` against
the hand reading of one plan's annex; see docs/assumptions.md A5b.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from . import wordcheck
from .chars import CJK_RE as _CJK
from .chars import NOT_CJK_RE, QUESTION_RE, rare_re, symbol
from .repair import MIN_SIMILARITY, UNIT_AFTER_DIGIT, Body, Context, clauses, sentences
from .wordings import Wording, index_of, load_wordings

#: Doubt at or above this marks a task text 原文识别存疑.
DOUBTFUL = 0.5
#: weight of one character no known word covers, of each further one, and added when not even
#: a string seen twice in the plan covers them (tuned with tests/score_doubt.py; see :func:`doubt`)
UNKNOWN_WEIGHT = 0.25
UNKNOWN_STEP = 0.05
UNKNOWN_STRONG = 0.2
# one or two characters in brackets inside a word: 制（修）订, （含）
_BRACKETED = re.compile(r"[（(][\u4e00-\u9fff]{1,2}[）)]")
_LATIN = re.compile(r"[A-Za-z]+")
# an abbreviation in brackets (its letters are no debris): （EOD…）
_ABBREVIATION = re.compile(r"[（(][A-Z]{2,}[^）)]*[）)]")
# a digit between Chinese characters
_LONE_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff])\d(?=[\u4e00-\u9fff])")


@dataclass
class Doubt:
    score: float
    reasons: list[str]

    @property
    def doubtful(self) -> bool:
        return self.score >= DOUBTFUL


def _residual(text: str, body: Body, ctx: Context, suspect: frozenset[str] = frozenset()) -> list[str]:
    """Pieces of ``text`` that still differ from the body's copy and hold an odd character.

    A character in ``suspect`` (one no known word covers) counts as odd here too, also next
    to a character the annex lost (重大技装备 against 重大技术装备).
    """
    out: list[str] = []
    if not body.text:
        return out  # nothing to align with (every alignment would score 0)
    for sent in sentences(text):
        for piece in clauses(sent):
            core = piece.rstrip("，。；")
            if len(core) < 6:
                continue
            al = fuzz.partial_ratio_alignment(core, body.text, score_cutoff=MIN_SIMILARITY)
            if al is None:
                continue
            ref = body.text[al.dest_start:al.dest_end]
            ops = SequenceMatcher(None, core, ref, autojunk=False).get_opcodes()
            eq = [i for i, o in enumerate(ops) if o[0] == "equal" and o[2] - o[1] >= 2]
            for o in ops[eq[0]:eq[-1]] if eq else []:
                a = core[o[1]:o[2]] or core[max(0, o[1] - 1):o[2] + 1]
                if o[0] != "equal" and any(ctx.odd(c) or c in suspect for c in a):
                    out.append(a)
    return out


_IN_SENTENCE = set("，、；：")


def _aligned_ops(piece: str, ref_text: str, cutoff: float,
                 phrase_ends: bool = False) -> tuple[str, str, list[tuple[str, int, int, int, int]]]:
    """``piece``'s best-matching part of ``ref_text`` and the differences inside the alignment.

    Returns (annex span, reference span, opcodes strictly between the first and the last
    agreement of two characters, or of one at the reference's own ends with ``phrase_ends``).
    """
    if len(piece) <= len(ref_text):
        al = fuzz.partial_ratio_alignment(piece, ref_text, score_cutoff=cutoff)
        if al is None:
            return "", "", []
        a, ref = piece[al.src_start:al.src_end], ref_text[al.dest_start:al.dest_end]
    else:
        al = fuzz.partial_ratio_alignment(ref_text, piece, score_cutoff=cutoff)
        if al is None:
            return "", "", []
        a, ref = piece[al.dest_start:al.dest_end], ref_text[al.src_start:al.src_end]
    ops = SequenceMatcher(None, a, ref, autojunk=False).get_opcodes()
    eq = [i for i, o in enumerate(ops) if o[0] == "equal" and (
        o[2] - o[1] >= 2 or (phrase_ends and (o[3] == 0 or o[4] == len(ref))))]
    inner = [o for o in ops[eq[0]:eq[-1]] if o[0] != "equal"] if eq else []
    return a, ref, inner


def compare_body(text: str, body: Body) -> tuple[list[str], list[str]]:
    """Where ``text`` and the body's copy differ by breaking a word (sentence by sentence).

    Returns (pieces of ``text`` that break a word, the body's garbled forms). Two kinds, each
    seen only in garbled copies: a character the annex lost inside an aligned span (重大技装备
    / 重大技术装备), and punctuation standing where the body has a character (鼓励力，展 /
    鼓励办展, 环境；年里 / 环境治理). When the body's words cover fewer characters there
    (项目才是升 / 项目，提升) the body is the garbled copy: its form, with the character after
    it (才是升), is returned instead, so that the same misreading can be found elsewhere.
    """
    broken: list[str] = []
    garbles: list[str] = []
    for m in re.finditer(r"[^。]+", text):
        a_all, ref, ops = _aligned_ops(m.group(0), body.text, MIN_SIMILARITY)
        for _, a0, a1, b0, b1 in ops:
            a, b = a_all[a0:a1], ref[b0:b1]
            if not b or not all(_CJK.match(c) for c in b):
                continue
            if not a:
                if len(b) == 1:
                    broken.append(a_all[max(0, a0 - 2):a0 + 2])
            elif any(c in _IN_SENTENCE for c in a) and any(_CJK.match(c) for c in a):
                wa, wb = a_all[max(0, a0 - 2):a1 + 2], ref[max(0, b0 - 2):b1 + 2]
                # general words only: the plan's own strings include the body's garble
                if len(wordcheck.unknown(wa)) >= len(wordcheck.unknown(wb)):
                    broken.append(a)
                elif len(form := ref[b0:b1 + 1]) >= 3:
                    garbles.append(form)
    return broken, garbles


#: a text is compared with a fixed wording when their aligned parts are at least this similar
WORDING_SIMILARITY = 80.0


def _off_wording(text: str, wordings: Sequence[Wording]) -> list[str]:
    """Pieces where ``text`` nearly says a fixed wording but still differs inside it (名录色 / 绿色)."""
    out: list[str] = []
    # (the index's bound is for a score of 60: every wording that may reach 80 is among them)
    for i in index_of(wordings).candidates(text):
        p = wordings[i].phrase
        if p in text:
            continue
        a_all, _, ops = _aligned_ops(text, p, WORDING_SIMILARITY, phrase_ends=True)
        out += [a_all[a0:a1] or a_all[max(0, a0 - 1):a0 + 1] for _, a0, a1, _, _ in ops]
    return out


def _guessed(edits: Sequence[tuple[str, str]]) -> list[str]:
    """Repairs that rebuilt three or more characters from one: a copy from the body may
    belong to a neighbouring sentence (僻 → 中选择), so they are shown for checking."""
    return [f"{a}→{b}" for a, b in edits if a and len(b) - len(a) >= 2 and len(a) <= 2]


def doubt(text: str, counts: Counter[str] | None = None,
          body: Sequence[str] | Sequence[tuple[int, str]] | Body | None = None,
          plan_bigrams: Counter[str] | None = None,
          edits: Sequence[tuple[str, str]] = (),
          wordings: Sequence[Wording] | None = None,
          garbles: frozenset[str] = frozenset(),
          compared: tuple[list[str], list[str]] | None = None) -> Doubt:
    """How likely ``text`` still holds OCR garble (0–1), with the reasons in Chinese.

    Signals: Latin letters, ？ and other debris; rare characters (outside GB2312 level 1);
    a lone digit inside Chinese that is no quantity; with ``body``, a piece that still
    differs from the body's copy of the sentence and holds a character found (almost)
    nowhere else in the plan; and, weakly, such characters anywhere. With ``plan_bigrams``
    (:func:`wordcheck.bigrams` of the whole plan), characters no known word covers
    (:func:`wordcheck.unknown`: garble of ordinary characters such as 期里) and lone characters
    between punctuation (:func:`wordcheck.fragments`); a character rare in the plan but inside a
    known word (巾帼) then no longer counts as odd.
    """
    counts = counts or Counter()
    bd = None if body is None else body if isinstance(body, Body) else Body.of(body)
    ctx = bd.context(counts) if bd else Context(counts, "")
    latin = _LATIN.findall(_ABBREVIATION.sub("", text))
    q = QUESTION_RE.findall(text)
    # (a Chinese character is never a symbol; the regular expressions find characters faster
    # than a test per character)
    sym = [c for c in NOT_CJK_RE.findall(text) if symbol(c)]
    rares = rare_re().findall(text)
    digits = [m.group(0) for m in _LONE_DIGIT.finditer(text)
              if text[m.end()] not in UNIT_AFTER_DIGIT]
    odd = ctx.odd_common_in(text) if counts else []
    unknown: list[str] = []
    plain = _BRACKETED.sub("", text)
    if plan_bigrams is not None:
        unknown = wordcheck.unknown(plain, plan_bigrams)
        odd = [c for c in odd if c in unknown]
    resid = _residual(text, bd, ctx, frozenset(unknown)) if bd and counts else []
    if compared is None and bd and plan_bigrams is not None:
        compared = compare_body(text, bd)
    broken = list(compared[0]) if compared else []
    broken += [g for g in garbles if g in text]
    off = _off_wording(text, load_wordings() if wordings is None else wordings)
    guessed = _guessed(edits)
    parts: list[tuple[float, str]] = []
    if latin:
        parts.append((0.6, f"夹有拉丁字母（{'、'.join(latin[:3])}）"))
    if q:
        parts.append((0.6, "夹有问号“？”"))
    if sym:
        parts.append((0.6, f"夹有异常符号（{''.join(sym[:3])}）"))
    if rares:
        parts.append((0.5, f"含生僻字（{''.join(rares[:4])}）"))
    if digits:
        parts.append((0.5, f"汉字间夹有孤立数字（{''.join(digits[:3])}）"))
    if resid:
        parts.append((0.5, f"与正文同句对照仍有疑似错字（{'、'.join(resid[:3])}）"))
    if broken:
        parts.append((0.5, f"与正文同句对照有断词（{'、'.join(broken[:3])}）"))
    if off:
        parts.append((0.5, f"与固定表述对照仍有出入（{'、'.join(off[:3])}）"))
    if guessed:
        parts.append((0.5, f"一字修复成多字，请核对（{'、'.join(guessed[:2])}）"))
    if odd:
        parts.append((min(0.45, 0.25 * len(odd)), f"含全文罕见字（{''.join(odd[:4])}）"))
    lone = wordcheck.fragments(plain) if plan_bigrams is not None else []
    if lone:
        parts.append((0.5, f"有孤立的单字（{''.join(lone[:3])}）"))
    if unknown:
        # stronger when not even a string seen twice in the plan covers them
        strong = wordcheck.unknown(plain, plan_bigrams, 2)
        w = min(0.6, UNKNOWN_WEIGHT + UNKNOWN_STEP * (len(unknown) - 1))
        w = 1 - (1 - w) * (1 - (UNKNOWN_STRONG if strong else 0.0))
        parts.append((w, f"有不成词的字（{''.join(unknown[:6])}）"))
    p = 1.0
    for w, _ in parts:
        p *= 1 - w
    return Doubt(round(1 - p, 3), [r for _, r in parts])
