"""What a reader of a printed report would check, measured on the PDF with poppler-utils.

* every word lies inside the page's printable area (``pdftotext -bbox`` gives each word's
  box; a table cut at the page edge shows up as words beyond ``width - margin``),
* the PDF has bookmarks (an outline, listed by ``pdftohtml -xml``),
* no page is empty (no word inside the content box; a footer in the margin does not count),
* no page but the last is under a quarter full (:func:`underfilled_pages`: the content
  height per page from the words' boxes; an orientation change must not leave a page with
  one table row or only a title),
* which pages carry a page number (第 X 页),
* every character of the HTML's tables is in the PDF text (:func:`missing_table_text`),
* both together, as what a reader loses however the browser build cut a wide table
  (:func:`lost_to_reader`).

Chromium clips a table that is too wide at the edge of its box, and poppler drops the clipped
characters: a cut right-hand column shows up as characters of the HTML's tables missing from
the PDF, even where the clip coincides with the margin and no word crosses it.

Used by the tests and handy from a shell::

    python -m greenlib.report.pdfcheck build/<plan-id>/pdf/overview.pdf [...]

(the HTML beside it in ``site/`` is compared when found).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from ..errors import GreenlibError

#: Points per millimetre.
PT_PER_MM = 72 / 25.4
#: The report stylesheet's @page margins in mm (top, right, bottom, left); keep in step with
#: templates/greenplan/report.css.
MARGINS_MM = (14.0, 12.0, 16.0, 12.0)
#: Slack in points for glyph boxes that touch the margin line (font side bearings).
TOLERANCE_PT = 2.0

_PAGE_NUMBER = re.compile(r"(?<!原文)第\s*(\d+)\s*页")


@dataclass
class Word:
    """One word of ``pdftotext -bbox`` (coordinates in points, origin top left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def content_words(self, margins_mm: tuple[float, ...] = MARGINS_MM) -> list[Word]:
        """Words inside the content box (top and bottom margins excluded: header, footer)."""
        top, _, bottom, _ = (m * PT_PER_MM for m in margins_mm)
        return [w for w in self.words if w.y1 > top and w.y0 < self.height - bottom]

    def text(self) -> str:
        return "".join(w.text for w in self.words)


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        raise GreenlibError(f"{name} not found: install poppler-utils (make sysdeps)")
    return exe


def pages(pdf: str | Path) -> list[Page]:
    """Every page with its size and its words (``pdftotext -bbox``)."""
    out = subprocess.run([_tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    result: list[Page] = []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "page":
            continue
        page = Page(len(result) + 1, float(el.get("width", 0)), float(el.get("height", 0)))
        for w in el:
            if w.tag.rsplit("}", 1)[-1] == "word":
                page.words.append(Word(w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                                       float(w.get("xMax", 0)), float(w.get("yMax", 0))))
        result.append(page)
    return result


def overflowing_words(pdf_pages: list[Page], margins_mm: tuple[float, ...] = MARGINS_MM,
                      tolerance: float = TOLERANCE_PT) -> list[tuple[int, str, float, float]]:
    """Words beyond the printable width: (page, word, its right edge, the limit), in points.

    A word left of the left margin counts too (its limit is then the left margin)."""
    _, right, _, left = (m * PT_PER_MM for m in margins_mm)
    bad = []
    for p in pdf_pages:
        limit = p.width - right
        for w in p.words:
            if w.x1 > limit + tolerance:
                bad.append((p.number, w.text, round(w.x1, 1), round(limit, 1)))
            elif w.x0 < left - tolerance:
                bad.append((p.number, w.text, round(w.x0, 1), round(left, 1)))
    return bad


def empty_pages(pdf_pages: list[Page], margins_mm: tuple[float, ...] = MARGINS_MM) -> list[int]:
    """Pages with no word in their content box (e.g. a trailing page holding only a footer).

    Charts print as SVG text, so a page holding only a chart is not empty."""
    return [p.number for p in pdf_pages if not p.content_words(margins_mm)]


#: A page whose content reaches less far down its content box than this wastes paper
#: (issue 17: a page holding one table row, or only a title before a landscape table).
MIN_FILL = 0.25


def fill(page: Page, margins_mm: tuple[float, ...] = MARGINS_MM) -> float:
    """How far down its content box ``page`` is filled (0–1): the bottom of its lowest word
    (charts print their labels as text; the footer in the margin does not count)."""
    top, _, bottom, _ = (m * PT_PER_MM for m in margins_mm)
    words = page.content_words(margins_mm)
    if not words:
        return 0.0
    return min(1.0, max(0.0, (max(w.y1 for w in words) - top) / (page.height - top - bottom)))


def underfilled_pages(pdf_pages: list[Page], min_fill: float = MIN_FILL,
                      section_starts: tuple[str, ...] = (),
                      margins_mm: tuple[float, ...] = MARGINS_MM) -> list[tuple[int, float]]:
    """Pages filled less than ``min_fill`` (page number, fill), except the last page and the
    last page of a section that starts on a new page by design (the next page's text begins
    with one of ``section_starts``). A page left short by an orientation change counts."""
    bad = []
    for i, p in enumerate(pdf_pages[:-1]):
        nxt = "".join(w.text for w in pdf_pages[i + 1].content_words(margins_mm))
        if section_starts and nxt.startswith(section_starts):
            continue
        f = fill(p, margins_mm)
        if f < min_fill:
            bad.append((p.number, round(f, 2)))
    return bad


def page_number_on(page: Page) -> int | None:
    """The page number printed on ``page`` (第 X 页), or None.

    The footer's, i.e. the last 第 X 页 of the page: the body may cite pages of the plan
    (【原文存疑，见原文第27页】), which are never the page's own number."""
    found = _PAGE_NUMBER.findall(page.text())
    return int(found[-1]) if found else None


def outline(pdf: str | Path) -> list[str]:
    """The PDF's bookmark titles, in order (``pdftohtml -xml`` lists the outline)."""
    out = subprocess.run([_tool("pdftohtml"), "-xml", "-i", "-stdout", "-q", str(pdf)],
                         capture_output=True, check=True).stdout.decode("utf-8", "replace")
    block = re.search(r"<outline>(.*)</outline>", out, flags=re.S)
    if not block:
        return []
    items = re.findall(r"<item[^>]*>(.*?)</item>", block.group(1), flags=re.S)
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", i)).strip() for i in items]


def _table_chars(page_html: str) -> Counter[str]:
    import html

    page_html = re.sub(r"<(script|style)\b.*?</\1\s*>", "", page_html, flags=re.S | re.I)
    cells = re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", page_html, flags=re.S | re.I)
    return Counter(c for cell in cells for c in html.unescape(re.sub(r"<[^>]+>", "", cell))
                   if not c.isspace())


def pdf_text(pdf: str | Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")


def missing_table_text(page_html: str, pdf: str | Path) -> dict[str, int]:
    """Characters of the HTML's table cells that the PDF lacks (char → how many times).

    Compares counts of non-space characters: the PDF may hold more (headings, charts), never
    fewer. Empty when no table text was cut."""
    have = Counter(c for c in pdf_text(pdf) if not c.isspace())
    want = _table_chars(page_html)
    return {c: n - have[c] for c, n in want.items() if n > have[c]}


def lost_to_reader(page_html: str, pdf: str | Path) -> dict[str, object]:
    """What a reader of the printed page loses of the HTML's tables, however the browser cut it.

    Chromium builds differ in how they print a table too wide for the page: older ones drew it
    past the margin (words beyond the printable width, off the paper), newer ones (156) clip it
    at the margin (the characters are absent from the PDF). Either way the reader loses text,
    so a check built on this holds across browser builds. Empty when nothing is lost."""
    lost: dict[str, object] = {}
    missing = missing_table_text(page_html, pdf)
    if missing:
        lost["missing_chars"] = missing
    over = overflowing_words(pages(pdf))
    if over:
        lost["words_beyond_edge"] = over
    return lost


def report(pdf: str | Path, page_html: str | None = None) -> dict[str, object]:
    """All checks of one PDF as a dict (what the command line prints)."""
    ps = pages(pdf)
    over = overflowing_words(ps)
    return {
        "pages": len(ps),
        "landscape_pages": [p.number for p in ps if p.landscape],
        "words": sum(len(p.words) for p in ps),
        "words_beyond_printable_width": len(over),
        "examples": over[:10],
        "empty_pages": empty_pages(ps),
        "fill": [round(fill(p), 2) for p in ps],
        "underfilled_pages": underfilled_pages(ps),
        "numbered_pages": [p.number for p in ps if page_number_on(p) is not None],
        "outline": outline(pdf),
        "table_chars_missing": (sum(missing_table_text(page_html, pdf).values())
                                if page_html is not None else None),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    bad = 0
    for a in args:
        html_file = Path(a).parent.parent / "site" / (Path(a).stem + ".html")
        r = report(a, html_file.read_text(encoding="utf-8") if html_file.exists() else None)
        print(a)
        for k, v in r.items():
            print(f"  {k}: {v}")
        bad += bool(r["words_beyond_printable_width"] or r["empty_pages"] or not r["outline"]
                    or r["table_chars_missing"] or r["underfilled_pages"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
