"""Where a table goes on the page: column widths, font size and orientation.

Word keeps fixed column widths only if they are written; :func:`table_layout` computes
them from the cell texts (a Chinese character is one em, a Latin letter about half) and
the width of the page, chooses a landscape page for a table too wide for portrait and a
smaller font for one too wide even then; :func:`assign_orientation` takes the heading and
text just before a landscape table along to its landscape section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.shared import Length

from .docx_blocks import Block, _is_wide
from .docx_styles import CELL_PAD_PT, MARGINS, PAGE_H, PAGE_W, SMALL_TABLE_PT, TABLE_PT

# --------------------------------------------------------------------------- layout


def _width_chars(s: str) -> float:
    """Display width in em (a Chinese character is 1, a Latin letter or digit about 0.55)."""
    return sum(1.0 if _is_wide(c) else 0.55 for c in s)


def _longest_token(s: str) -> float:
    """Width of the longest run that should not be broken (Latin words, numbers)."""
    tokens = re.findall(r"[A-Za-z0-9_.,%/+\-:]+", s)
    return max((_width_chars(t) for t in tokens), default=0.0)


@dataclass
class TableLayout:
    widths_pt: list[float]
    font_pt: float
    landscape: bool


def _text_width_pt(landscape: bool) -> float:
    top, right, bottom, left = MARGINS
    if landscape:
        return Length(PAGE_H - top - bottom).pt
    return Length(PAGE_W - left - right).pt


def table_layout(b: Block) -> TableLayout:
    """Column widths, font size and orientation for a table.

    Every column first gets its minimum (header on one line; short values such as
    numbers, codes, years and unit names on one line; no Latin word broken), then the
    room left goes to the columns that want more, in proportion to what they lack. A
    table whose minimum does not fit a portrait page, or that has eight columns or more
    (each text column would be a sliver), goes landscape; if it still does not fit,
    the font shrinks to 小五.
    """
    n = len(b.header)
    cols = [[b.header[i], *(r[i] for r in b.rows)] for i in range(n)]
    head = [_width_chars(h) for h in b.header]
    longest = [max(_width_chars(v) for v in c) for c in cols]
    token = [max(_longest_token(v) for v in c) for c in cols]
    minimum = []
    for i in range(n):
        short = longest[i] <= 9 or b.numeric[i]
        minimum.append(max(head[i], min(token[i], 14), longest[i] if short else min(longest[i], 6)))
    desired = [max(m, min(lg, 40)) for m, lg in zip(minimum, longest, strict=True)]

    def fits(landscape: bool, font: float) -> bool:
        room = _text_width_pt(landscape) - n * CELL_PAD_PT
        return sum(minimum) * font <= room

    landscape = n >= 8 or not fits(False, TABLE_PT)
    font = TABLE_PT if fits(landscape, TABLE_PT) else SMALL_TABLE_PT
    room = _text_width_pt(landscape) - n * CELL_PAD_PT
    em = [m * font for m in minimum]
    want = [d * font for d in desired]
    if sum(em) >= room:  # even the minimum is too wide: shrink proportionally
        widths = [w * room / sum(em) for w in em]
    else:
        extra = room - sum(em)
        lack = [w - m for w, m in zip(want, em, strict=True)]
        if sum(lack) > extra:
            widths = [m + extra * lk / sum(lack) for m, lk in zip(em, lack, strict=True)]
        else:  # every cell fits on one line: widen in proportion (a small table stays small)
            total = sum(want)
            if total < room * 0.6 and n <= 3:
                room = total
            widths = [w * room / total for w in want]
    if b.label == "cards":
        widths = [room / n] * n
    return TableLayout([w + CELL_PAD_PT for w in widths], font, landscape)


def assign_orientation(blocks: list[Block]) -> None:
    """Mark landscape tables; the heading and text right before such a table (back to the
    nearest heading, if no other table or chart lies between) go with it, so that a
    heading never sits alone at the bottom of a portrait page."""
    for i, b in enumerate(blocks):
        if b.kind != "table" or not table_layout(b).landscape:
            continue
        b.landscape = True
        j = i - 1
        while j >= 0 and blocks[j].kind in ("heading", "para", "item", "note", "empty"):
            blocks[j].landscape = True
            if blocks[j].kind == "heading":
                break
            j -= 1
        if j >= 0 and blocks[j].kind != "heading":  # no heading found: undo the text part
            for k in range(j + 1, i):
                blocks[k].landscape = False
