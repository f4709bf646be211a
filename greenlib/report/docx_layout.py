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


#: Table text line height in em (docx_styles sets exact spacing of 1.25 × the font) and the
#: space a row adds (paragraph spacing, borders), to estimate a table's pages.
LINE_EM = 1.25
ROW_PAD_PT = 2.0


#: Pages a landscape layout must save over the upright one for a long table to turn.
TURN_SAVES = 0.5


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


def _lines(widths: list[float], lengths: list[list[float]]) -> float:
    """A table's height in lines: per row its tallest cell, a cell at least one line
    (``lengths``: per row the text width of each cell in em; ``widths`` in em)."""
    return sum(max([1.0, *(length / w for length, w in zip(row, widths, strict=True))])
               for row in lengths)


def _spread(minimum: list[float], lengths: list[list[float]], room: float) -> list[float]:
    """Column widths (em) from ``minimum`` up to ``room`` in total: each half em goes to the
    column where it shortens the table most (the table's height is the sum over rows of its
    tallest cell, a cell being at least one line), so the column holding the most text gets
    the most room, not the one with a single long cell. Once no row gets shorter, the rest
    is spread in proportion (the table spans the text width)."""
    w = list(minimum)
    n = len(w)
    step = max(0.5, (room - sum(w)) / 200)
    while room - sum(w) >= step:
        # per row its tallest cell and the tallest of the others: a wider column i changes
        # only its own cells, so each candidate costs one pass over the rows
        tops = []
        for row in lengths:
            cells = [max(1.0, length / wi) for length, wi in zip(row, w, strict=True)]
            first = max(range(n), key=cells.__getitem__)
            second = max((c for k, c in enumerate(cells) if k != first), default=1.0)
            tops.append((first, cells[first], second))
        now = sum(top for _, top, _ in tops)
        best, best_h = -1, now
        for i in range(n):
            wider = w[i] + step
            h = sum(max(second if first == i else top, lengths[r][i] / wider)
                    for r, (first, top, second) in enumerate(tops))
            if h < best_h - 1e-9:
                best, best_h = i, h
        if best < 0:
            break
        w[best] += step
    return w


def _text_height_pt(landscape: bool) -> float:
    top, _, bottom, _ = LANDSCAPE_MARGINS if landscape else MARGINS
    return Length((PAGE_W if landscape else PAGE_H) - top - bottom).pt


def _no_orphans(widths: list[float], head: list[float], mins: list[float]) -> list[float]:
    """Widen a column whose header would wrap leaving one character alone on its last line
    (进展状/态) to hold the header on one line, taking the room from the widest column."""
    w = list(widths)
    for i, h in enumerate(head):
        per_line = math.floor(w[i] - SLACK_EM / 2)
        if h <= per_line or round(h) % max(per_line, 1) != 1:
            continue
        need = h + SLACK_EM - w[i]
        donor = max(range(len(w)), key=lambda j: w[j] - mins[j] if j != i else -1)
        if donor != i and w[donor] - need >= mins[donor]:
            w[donor] -= need
            w[i] += need
    return w


def table_layout(b: Block, landscape: bool | None = None,
                 turn_saves: float | None = None) -> TableLayout:
    """Column widths, font size and orientation for a table.

    Every column first gets its minimum (header on one line, or a header of four
    characters or more on two — never one character a line; short values such as
    numbers, codes, years and unit names on one line; no Latin word broken), then the
    room left goes where it saves the most lines (:func:`_spread`). Of the upright
    layouts that fit (小五, headers on one line or folded; 六号 where no 小五 layout fits,
    or for a table of a few rows, :data:`fmt.SHORT_TABLE_ROWS`, where it saves a sixth of
    the height and a tenth of a page) the shortest is taken, unless the table is long and a landscape
    page would save :data:`TURN_SAVES` of a page (a turn leaves the ends of two pages
    blank, less where :func:`assign_orientation` keeps its neighbours landscape). A table
    fitting no upright layout goes landscape, in 六号 if need be, and only then do the
    columns shrink below their minimum. ``landscape`` given: the best layout in that
    orientation (an upright table on a landscape page, where its neighbours are); a
    ``turn_saves`` other than :data:`TURN_SAVES` where a turn costs less.
    """
    n = len(b.header)
    cols = [[b.header[i], *(r[i] for r in b.rows)] for i in range(n)]
    head = [_width_chars(h) for h in b.header]
    longest = [max(_width_chars(v) for v in c[1:]) if len(c) > 1 else 0.0 for c in cols]
    token = [max(_longest_token(v) for v in c) for c in cols]
    minimum, folded, tight = [], [], []  # folded: a header of 4 or more characters on two
    for i in range(n):                    # lines; tight: short values may wrap too
        short = longest[i] <= 9 or b.numeric[i]
        body = max(min(token[i], 14), longest[i] if short else min(longest[i], 6))
        fold = math.ceil(head[i] / 2) if head[i] >= 4 else head[i]
        minimum.append(SLACK_EM + max(head[i], body))
        folded.append(SLACK_EM + max(fold, body))
        tight.append(SLACK_EM + max(fold, min(token[i], 6), min(longest[i], 3)))
    lengths = [[_width_chars(r[i]) for i in range(n)] for r in b.rows] or [[0.0] * n]
    few = len(b.rows) <= SHORT_TABLE_ROWS

    def room_em(landscape: bool, font: float) -> float:
        return (_text_width_pt(landscape) - n * CELL_PAD_PT) / font

    def option(landscape: bool, font: float, mins: list[float]) -> tuple[float, list[float]] | None:
        """(pages, widths in em) of a layout, or None when its minimum does not fit."""
        room = room_em(landscape, font)
        if sum(mins) > room:
            return None
        widths = _spread(mins, lengths, room)
        total = sum(widths)
        if not (total < room * 0.6 and n <= 3):  # a small table stays small
            widths = [w * room / total for w in widths]
        widths = _no_orphans(widths, head, mins)
        head_lines = 2 if mins is not minimum and mins != minimum else 1
        height = ((_lines(widths, lengths) + head_lines) * font * LINE_EM
                  + (len(b.rows) + 1) * ROW_PAD_PT)
        return height / _text_height_pt(landscape), widths

    if b.label == "cards":
        room = room_em(False, TABLE_PT)
        return TableLayout([room / n * TABLE_PT + CELL_PAD_PT] * n, TABLE_PT, False)
    upright = [o for mins in (minimum, folded) if (o := option(False, TABLE_PT, mins))]
    best = (TABLE_PT, min(upright, key=lambda o: o[0])) if upright else None
    # 六号 upright: for a few rows, or where no 小五 layout fits upright (shrink, not turn)
    small = option(False, SMALL_TABLE_PT, folded) if few or not upright else None
    if few and not upright and not small:  # a few rows never turn: their values may wrap
        small = option(False, SMALL_TABLE_PT, tight)
    if small and (best is None or (small[0] < best[1][0] * 5 / 6 and best[1][0] - small[0] > 0.1)):
        best = (SMALL_TABLE_PT, small)
    turned = next(((font, o) for font, mins in ((TABLE_PT, minimum), (SMALL_TABLE_PT, minimum),
                                                (SMALL_TABLE_PT, folded))
                   if (o := option(True, font, mins))), None)
    saves = TURN_SAVES if turn_saves is None else turn_saves
    if landscape is None:
        landscape = not (best and (few or turned is None or best[1][0] - turned[1][0] < saves))
    if best and not landscape:
        font, (_, widths) = best
        return TableLayout([w * font + CELL_PAD_PT for w in widths], font, False)
    if turned and landscape:
        font, (_, widths) = turned
        return TableLayout([w * font + CELL_PAD_PT for w in widths], font, True)
    room = room_em(landscape, SMALL_TABLE_PT)  # even the minimum is too wide: shrink it
    return TableLayout([m * room / sum(folded) * SMALL_TABLE_PT + CELL_PAD_PT for m in folded],
                       SMALL_TABLE_PT, landscape)


def assign_orientation(blocks: list[Block]) -> None:
    """Mark landscape tables; the heading and text right before such a table (back to the
    nearest heading, if no other table or chart lies between) go with it, so that a
    heading never sits alone at the bottom of a portrait page; a document opening with one
    starts landscape, and a short portrait stretch after one stays landscape."""
    for b in blocks:
        b.landscape = False
    opening = next((i for i, b in enumerate(blocks) if b.kind in ("table", "chart", "image")), None)
    for i, b in enumerate(blocks):
        # the opening table turns wherever that saves anything: the title goes along
        if b.kind != "table" or not table_layout(b, turn_saves=0.0 if i == opening else None).landscape:
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
    # a short portrait stretch between landscape ones (or after the last) goes landscape too:
    # two turns would leave the end of one landscape page and most of a portrait one blank
    i = 0
    while i < len(blocks):
        if blocks[i].landscape:
            i += 1
            continue
        j = i
        while j < len(blocks) and not blocks[j].landscape:
            j += 1
        after_wide = i > 0 and blocks[i - 1].landscape
        if after_wide and sum(_height_pt(b) for b in blocks[i:j]) < SHORT_RUN * _text_height_pt(False):
            for b in blocks[i:j]:
                b.landscape = True
        i = j


#: A portrait stretch shorter than this part of a page, after a landscape one, goes landscape.
SHORT_RUN = 0.5
#: Body text: characters per portrait line and line height (docx_styles: 小四 on 18 pt).
_LINE_CHARS, _LINE_PT = 36, 18.0


def _height_pt(b: Block) -> float:
    """A rough height of a block on a portrait page, in points."""
    if b.kind == "heading":
        return 36.0
    if b.kind == "table":
        layout = table_layout(b)
        widths = [(w - CELL_PAD_PT) / layout.font_pt for w in layout.widths_pt]
        lengths = ([[_width_chars(r[i]) for i in range(len(b.header))] for r in b.rows]
                   or [[0.0] * len(b.header)])
        return (_lines(widths, lengths) + 1) * layout.font_pt * LINE_EM + (len(b.rows) + 1) * ROW_PAD_PT
    if b.kind in ("chart", "image"):
        return 260.0
    return _LINE_PT * max(1, math.ceil(_width_chars(b.text) / _LINE_CHARS)) + 4
