"""Word-level check for OCR garble made of ordinary characters (期里, 育缴, 以卜).

Character checks (rare characters, debris, characters found nowhere else in the plan) miss
garble whose characters are common on their own. This check looks at words instead: a
Chinese character is *covered* when some 2–4 character window around it is a known word,
from

* a general Chinese word list (``greenlib/defaults/words.txt``: jieba's dictionary plus
  two-character strings of real texts of the genre, see ``greenlib/defaults/README.md``), and
* the plan's own vocabulary: two-character strings found at least :data:`MIN_PLAN_COUNT`
  times in the whole plan (so 巴渝, 禁渔 and other local words are known; a garble copied
  once into the body and once into the annex is not).

A character that is covered by no word and is not a common one-character word (和, 的, 等,
…) is *unknown*: clean sentences of the genre have almost none, garbled ones have some.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import pairwise
from operator import add
from pathlib import Path

WORDS = Path(__file__).resolve().parent.parent / "defaults" / "words.txt"
#: a two-character string is a word of the plan if it occurs this often in the plan
MIN_PLAN_COUNT = 3

_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: every two adjacent characters of a run (overlapping: a lookahead that captures)
_BIGRAM = re.compile(r"(?=([\u4e00-\u9fff]{2}))")


@cache
def load_words(path: str | Path = WORDS) -> tuple[frozenset[str], frozenset[str]]:
    """(words of 2–4 characters, characters that are words on their own)."""
    words: set[str] = set()
    single: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            single.add(line[1:])
        else:
            words.add(line)
    return frozenset(words), frozenset(single)


def bigrams(text: str) -> Counter[str]:
    """Two-character strings of the Chinese runs of ``text``, counted."""
    return Counter(_BIGRAM.findall(text))


def unknown(text: str, plan_bigrams: Counter[str] | None = None,
            min_count: int = MIN_PLAN_COUNT) -> list[str]:
    """The characters of ``text`` that no known word covers (in order, with repeats).

    ``min_count`` is how often a two-character string must occur in the plan to be a word.
    """
    words, single = load_words()
    local = plan_bigrams or Counter()
    # the runs joined by line breaks (no word holds one, nor does the plan's bigram count):
    # one pass over every two- to four-character window, none across two runs
    chars = "\n".join(_RUN.findall(text))
    size = len(chars)
    if not size:
        return []
    hits = [w in words or local.get(w, 0) >= min_count for w in map(add, chars, chars[1:])]
    # a character is covered by the window starting at it or by the one before
    edge = [False, *hits, False]
    gaps = [p for p, (x, y) in enumerate(pairwise(edge)) if not (x or y) and chars[p] != "\n"]
    if not gaps:
        return []
    covered = bytearray(b"\x01") * size
    for p in gaps:
        covered[p] = 0
    # a 3–4 character word matters only where no two-character one covers
    for p in gaps:
        if covered[p]:
            continue
        for n in (3, 4):
            for i in range(max(0, p - n + 1), min(p, size - n) + 1):
                if chars[i:i + n] in words:
                    covered[i:i + n] = b"\x01" * n
    return [chars[p] for p in gaps if not covered[p] and chars[p] not in single]


_LONE = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?![\u4e00-\u9fff])")


def fragments(text: str) -> list[str]:
    """Lone Chinese characters between punctuation that are no word on their own (；链。).

    Bracketed asides such as 制（修）订 should be removed from ``text`` first.
    """
    _, single = load_words()
    return [m.group(0) for m in _LONE.finditer(text) if m.group(0) not in single]
