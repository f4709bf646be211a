"""The genre's fixed national wordings (``greenlib/defaults/wordings.csv``), and an index
that tells which of them a text may nearly say (for :func:`.repair._from_wordings`)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

#: The fixed national wordings of the genre (id, phrase, source).
WORDINGS = Path(__file__).resolve().parent.parent / "defaults" / "wordings.csv"


@dataclass(frozen=True)
class Wording:
    id: str
    phrase: str
    source: str


@cache
def load_wordings(path: str | Path = WORDINGS, kind: str = "phrase") -> tuple[Wording, ...]:
    """The fixed wordings of ``kind``: ``phrase`` (task text) or ``title`` (part and section headings)."""
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(Wording(r["id"], r["phrase"], r["source"]) for r in csv.DictReader(f)
                     if (r.get("kind") or "phrase") == kind)


class WordingIndex:
    """The wordings' characters, to skip those that cannot be near a text (exactly).

    ``fuzz.partial_ratio(phrase, text)`` (phrase of ``L`` characters, no longer than text)
    is ``200·m / (L + w)`` for the best window of ``w ≤ L`` characters of ``text`` with
    ``m ≤ w`` characters in common (in order); ``≥ 60`` needs ``m ≥ 3L/7``, and ``m`` is
    at most the number of the phrase's characters found in the text. A wording with fewer
    cannot score 60, and one longer than the text is never used: neither is compared.

    Each character of each phrase is one bit; a text's bits are those of its characters,
    so the phrase's characters found in it are one AND and a bit count.
    """

    def __init__(self, wordings: tuple[Wording, ...]) -> None:
        self.wordings = wordings
        #: character → the bits of its every occurrence in every phrase
        self.bits: dict[str, int] = {}
        #: (index, phrase bits, characters needed, length) of the usable wordings
        self.phrases: list[tuple[int, int, int, int]] = []
        bit = 0
        for i, wd in enumerate(wordings):
            mask = 0
            for c in wd.phrase:
                self.bits[c] = self.bits.get(c, 0) | 1 << bit
                mask |= 1 << bit
                bit += 1
            n = len(wd.phrase)
            if n >= 4:
                # 7m ≥ 3L, with one character's slack against rounding
                self.phrases.append((i, mask, -(-(3 * n - 1) // 7), n))

    def candidates(self, text: str) -> list[int]:
        """Indices of the wordings that may score 60 against ``text``, in order."""
        bits = self.bits
        mask = 0
        for c in set(text):
            mask |= bits.get(c, 0)
        size = len(text)
        return [i for i, m, need, n in self.phrases
                if n <= size and (mask & m).bit_count() >= need]


_INDEX: list[WordingIndex] = []


def index_of(wordings: Sequence[Wording]) -> WordingIndex:
    """The index of ``wordings``, built once (the last one is kept)."""
    key = tuple(wordings)
    if not _INDEX or _INDEX[0].wordings != key:
        _INDEX[:] = [WordingIndex(key)]
    return _INDEX[0]


#: a part or section title this similar to a fixed wording (and about as long) is that wording
TITLE_SIMILARITY = 80.0


def clean_title(raw: str, wordings: Sequence[Wording] | None = None) -> tuple[str, str | None]:
    """A heading read as the genre's fixed heading it nearly says: (title, ``wording:<id>`` or None).

    Plans of the genre take their part and section headings from the national guidance
    (加快基础设施绿色升级, 完善法律法规政策体系); a short heading garbled by the OCR
    (加快基础设孵录色升级) is matched whole, not repaired piece by piece. A heading that differs
    by more than two characters in length, or is less than :data:`TITLE_SIMILARITY` similar,
    is the plan's own and kept.
    """
    wordings = load_wordings(kind="title") if wordings is None else wordings
    best: tuple[float, Wording] | None = None
    for wd in wordings:
        if wd.phrase == raw:
            return raw, None
        if abs(len(wd.phrase) - len(raw)) > 2:
            continue
        score = fuzz.ratio(raw, wd.phrase)
        if score >= TITLE_SIMILARITY and (best is None or score > best[0]):
            best = (score, wd)
    return (best[1].phrase, f"wording:{best[1].id}") if best else (raw, None)
