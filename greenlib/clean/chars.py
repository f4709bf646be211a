"""Characters of OCR'd Chinese plan text: rare ones, debris, symbols (for :mod:`.repair`).

Each test is asked of every character of every task, so each is cached per character or
done by a regular expression over the whole text.
"""

from __future__ import annotations

import re
from functools import cache

CJK_RE = re.compile(r"[\u3400-\u9fff]")
NOT_CJK_RE = re.compile(r"[^\u3400-\u9fff]")
QUESTION_RE = re.compile(r"[？?]")
_PUNCT = set("，。、；：（）“”‘’？！《》·—…,.;:()!\"' ")
# a rare character that still belongs in government text (GB2312 level 2)
_COMMON_EXTRA = set("帼瘠")


@cache
def rare(c: str) -> bool:
    """A Chinese character outside the 3,755 common ones (GB2312 level 1).

    Cached: it is asked of every character of every task, a few thousand distinct ones."""
    if not CJK_RE.match(c) or c in _COMMON_EXTRA:
        return False
    try:
        b = c.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return not 0xB0 <= b[0] <= 0xD7


@cache
def rare_re() -> re.Pattern[str]:
    """The characters :func:`rare` holds rare: Chinese ones outside :func:`common_chars`."""
    ranges, start = [], 0x3400
    for code in sorted(ord(c) for c in common_chars() if "\u3400" <= c <= "\u9fff"):
        if code > start:
            ranges.append(f"{chr(start)}-{chr(code - 1)}")
        start = code + 1
    ranges.append(f"{chr(start)}-\u9fff")
    return re.compile("[" + "".join(ranges) + "]")


@cache
def common_chars() -> frozenset[str]:
    """The characters :func:`rare` holds common: GB2312 level 1 (first byte B0–D7) and
    ``_COMMON_EXTRA``; a Chinese character not among them is rare."""
    level1 = set()
    for b1 in range(0xB0, 0xD8):
        for b2 in range(0xA1, 0xFF):
            try:
                level1.add(bytes((b1, b2)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(level1 | _COMMON_EXTRA)


@cache
def symbol(c: str) -> bool:
    """A symbol no Chinese sentence holds: non-ASCII debris, or one of ``&*_^#@|\\/<>``."""
    return (debris(c) and not c.isascii()) or c in "&*_^#@|\\/<>"


@cache
def debris(c: str) -> bool:
    """Not Chinese, not a digit, not punctuation: OCR debris in a Chinese sentence (cached)."""
    return not CJK_RE.match(c) and not c.isdigit() and c not in _PUNCT and c != "%" and c != "％" \
        and c not in "+-—×~"
