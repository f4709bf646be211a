"""Where a table goes on the page: column widths, font size and orientation.

Word keeps fixed column widths only if they are written; :func:`table_layout` computes
them from the cell texts (a Chinese character is one em, a Latin letter about half) and
the width of the page, chooses a landscape page for a table too wide for portrait and a
smaller font for one too wide even then; :func:`assign_orientation` takes the heading and
text just before a landscape table along to its landscape section, and a document opening
with one starts landscape.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from docx.shared import Length

from .docx_blocks import Block, _is_wide
from .docx_styles import CELL_PAD_PT, LANDSCAPE_MARGINS, MARGINS, PAGE_H, PAGE_W, SMALL_TABLE_PT, TABLE_PT
from .fmt import SHORT_TABLE_ROWS

# --------------------------------------------------------------------------- layout


#: Width of a Latin letter or digit in em: Times New Roman's digits are 0.5 em, the
#: substitutes of other machines (DejaVu Serif in LibreOffice) up to 0.64 em.
LATIN_EM = 0.6
#: Room added to every column's minimum, in em: renderers measure glyphs and cell borders a
#: little differently, and a header exactly as wide as its cell breaks its last character.
SLACK_EM = 0.4


def _width_chars(s: str) -> float:
    """Display width in em (a Chinese character is 1, a Latin letter or digit about 0.6)."""
    return sum(1.0 if _is_wide(c) else LATIN_EM for c in s)


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
    if landscape:
        _, right, _, left = LANDSCAPE_MARGINS
        return Length(PAGE_H - left - right).pt
    _, right, _, left = MARGINS
    return Length(PAGE_W - left - right).pt


def _lines(widths: np.ndarray | list[float], lengths: np.ndarray) -> float:
    """A table's height in lines: per row its tallest cell, a cell at least one line
    (``lengths``: rows × columns of text widths in em; ``widths`` in em)."""
    w = np.asarray(widths, dtype=float)
    return float(np.maximum(1.0, np.maximum(lengths, 1e-9) / w).max(axis=1).sum())


def _spread(minimum: list[float], lengths: np.ndarray, room: float) -> list[float]:
    """Column widths (em) from ``minimum`` up to ``room`` in total: each half em goes to the
    column where it shortens the table most (the table's height is the sum over rows of its
    tallest cell, a cell being at least one line), so the column holding the most text gets
    the most room, not the one with a single long cell. Once no row gets shorter, the rest
    is spread in proportion (the table spans the text width)."""
    w = np.array(minimum, dtype=float)

    def height(widths: np.ndarray) -> float:
        return _lines(widths, lengths)

    step = max(0.5, (room - w.sum()) / 200)
    now = height(w)
    while room - w.sum() >= step:
        best, best_h = -1, now
        for i in range(len(w)):
            w[i] += step
            h = height(w)
            w[i] -= step
            if h < best_h - 1e-9:
                best, best_h = i, h
        if best < 0:
            break
        w[best] += step
        now = best_h
    return list(w)


def _text_height_pt(landscape: bool) -> float:
    top, _, bottom, _ = LANDSCAPE_MARGINS if landscape else MARGINS
    return Length((PAGE_W if landscape else PAGE_H) - top - bottom).pt


def table_layout(b: Block) -> TableLayout:
    """Column widths, font size and orientation for a table.

    Every column first gets its minimum (header on one line — never one character per
    line; short values such as numbers, codes, years and unit names on one line; no Latin
    word broken), then the room left goes where it saves the most lines (:func:`_spread`).
    A table whose minimum does not fit a portrait page goes landscape, and so does a long
    one that fits but would take a quarter fewer pages turned (its text columns would be
    slivers upright) — unless it has only a few rows
    (:data:`fmt.SHORT_TABLE_ROWS`) and fits portrait in the smaller type (turning the page
    for it would leave two pages mostly blank; a header of four or more characters may then
    take two lines, never one character a line); if it still does not fit, the font shrinks
    to 六号, and only then do the columns shrink below their minimum.
    """
    n = len(b.header)
    cols = [[b.header[i], *(r[i] for r in b.rows)] for i in range(n)]
    head = [_width_chars(h) for h in b.header]
    longest = [max(_width_chars(v) for v in c[1:]) if len(c) > 1 else 0.0 for c in cols]
    token = [max(_longest_token(v) for v in c) for c in cols]
    minimum, folded = [], []  # folded: a header of 4 or more characters on two lines
    for i in range(n):
        short = longest[i] <= 9 or b.numeric[i]
        body = max(min(token[i], 14), longest[i] if short else min(longest[i], 6))
        minimum.append(SLACK_EM + max(head[i], body))
        folded.append(SLACK_EM + max(math.ceil(head[i] / 2) if head[i] >= 4 else head[i], body))

    def room_em(landscape: bool, font: float) -> float:
        return (_text_width_pt(landscape) - n * CELL_PAD_PT) / font

    lengths = np.array([[_width_chars(r[i]) for i in range(n)] for r in b.rows] or [[0.0] * n])
    if sum(minimum) > room_em(False, TABLE_PT) and sum(folded) <= room_em(False, TABLE_PT):
        minimum = folded  # upright with long headers on two lines
    if sum(minimum) > room_em(False, TABLE_PT):
        landscape = True
    elif len(b.rows) <= SHORT_TABLE_ROWS or b.label == "cards":
        landscape = False
    else:  # it fits portrait: turn the page only where that saves a quarter of its pages
        pages = [_lines(_spread(minimum, lengths, room_em(turn, TABLE_PT)), lengths)
                 / _text_height_pt(turn) for turn in (False, True)]
        landscape = pages[1] < 0.75 * pages[0]
    font = TABLE_PT if sum(minimum) <= room_em(landscape, TABLE_PT) else SMALL_TABLE_PT
    if landscape and len(b.rows) <= SHORT_TABLE_ROWS and sum(folded) <= room_em(False, SMALL_TABLE_PT):
        # a short wide table: smaller type and long headers on two lines, no turn
        landscape, font, minimum = False, SMALL_TABLE_PT, folded
    room = room_em(landscape, font)
    if b.label == "cards":
        widths = [room / n] * n
    elif sum(minimum) >= room:  # even the minimum is too wide: shrink proportionally
        widths = [m * room / sum(minimum) for m in minimum]
    else:
        widths = _spread(minimum, lengths, room)
        total = sum(widths)
        if not (total < room * 0.6 and n <= 3):  # a small table stays small
            widths = [w * room / total for w in widths]
    return TableLayout([w * font + CELL_PAD_PT for w in widths], font, landscape)


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
    # a document opening with a landscape table starts landscape (title, contents and the
    # first lines do not sit alone on a portrait page), as the PDF does (render.mark_open_wide)
    first = next((i for i, b in enumerate(blocks) if b.kind in ("table", "chart", "image")), None)
    if first is not None and blocks[first].landscape:
        for b in blocks[:first]:
            b.landscape = True
