"""Repair OCR damage in annex task text from the body, where the plan says the same thing twice.

Plans of this genre copy many annex tasks from the body's key-task paragraphs, and the
scrape garbles the two copies differently (the annex table far more). For each annex
sentence, the most similar body sentence is found; when the two are near-identical
(similarity ≥ :data:`MIN_SIMILARITY`) small differences are taken as OCR damage and
the body's characters are used: substitutions of up to :data:`MAX_EDIT` characters
and lost characters. Longer differences are kept — they are the annex's own words.

The text before repair is kept (``text_ocr`` in tasks.csv) and every repair counted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

MIN_SIMILARITY = 80.0
MAX_EDIT = 3

_SENT_RE = re.compile(r"[^。；]+[。；]?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT = set("，。、；：（）“”？！《》·—…,.;:()?!\"' ")


@dataclass
class Repair:
    text: str
    edits: list[tuple[str, str]]  # (annex piece, body piece)


def sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENT_RE.finditer(text) if m.group(0).strip()]


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r"(?<=[，。；])", sentence) if c]


def repair_text(text: str, body_sentences: list[str], counts: Counter[str] | None = None) -> Repair:
    """``text`` with near-identical body sentences' characters where they differ slightly.

    ``counts`` (character frequencies of the whole plan) tells OCR debris from words: a
    difference is repaired only where the annex shows a character found nowhere else in
    the plan, or non-Chinese debris (``U``, ``&``); the annex's own wording (科研院所 where
    the body says 科研机构) is made of ordinary characters and is kept.
    """
    counts = counts if counts is not None else Counter("".join(body_sentences) + text)
    if not body_sentences:
        return Repair(text, [])
    out: list[str] = []
    edits: list[tuple[str, str]] = []
    for sent in sentences(text):
        # clause level: an annex task often joins or cuts the body's sentences
        for piece in _clauses(sent):
            core = piece.rstrip("，。；")
            end = piece[len(core):]
            if len(core) < 6:
                out.append(piece)
                continue
            hit = process.extractOne(core, body_sentences, scorer=fuzz.partial_ratio,
                                     score_cutoff=MIN_SIMILARITY)
            if not hit:
                out.append(piece)
                continue
            body = hit[0]
            # the best-matching window of the body sentence
            al = fuzz.partial_ratio_alignment(core, body)
            window = body[al.dest_start:al.dest_end]
            if fuzz.ratio(core, window) < MIN_SIMILARITY:
                out.append(piece)
                continue
            fixed, e = _merge(core, window, counts)
            edits += e
            out.append(fixed + end)
    return Repair("".join(out), edits)


def _debris(piece: str, counts: Counter[str]) -> bool:
    """Does ``piece`` look like OCR debris (a unique character, or non-Chinese junk)?"""
    return any(
        (_CJK.match(c) and counts[c] <= 1) or (not _CJK.match(c) and c not in _PUNCT and not c.isdigit())
        for c in piece
    )


def _merge(annex: str, body: str, counts: Counter[str]) -> tuple[str, list[tuple[str, str]]]:
    sm = SequenceMatcher(None, annex, body, autojunk=False)
    out: list[str] = []
    edits: list[tuple[str, str]] = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        a, b = annex[a0:a1], body[b0:b1]
        inside = a0 > 0 and a1 < len(annex)  # the ends of an alignment are unreliable
        numeric = bool(re.search(r"[\d%％.]", a + b))
        if op == "equal":
            out.append(a)
        elif (op == "replace" and inside and not numeric and len(a) <= MAX_EDIT and len(b) <= MAX_EDIT
              and _debris(a, counts)):
            out.append(b)
            edits.append((a, b))
        elif op == "insert" and inside and not numeric and len(b) == 1 and _CJK.match(b):
            out.append(b)  # a character the OCR lost (准和 → 准入和)
            edits.append(("", b))
        elif op == "delete" and inside and not numeric and len(a) <= 2 and not _CJK.search(a) \
                and not any(c in _PUNCT for c in a):
            edits.append((a, ""))  # a stray letter or symbol
        else:
            out.append(a)
    return "".join(out), edits


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
