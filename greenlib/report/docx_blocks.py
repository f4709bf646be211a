"""The report as a flat list of :class:`Block` objects, independent of python-docx.

An executed notebook's markdown cells and displayed outputs (markdown, the report's HTML
elements: ``show_table`` tables, headline cards, notes, titles; Vega-Lite charts; PNG
images) become blocks: headings, paragraphs, list items, notes, tables and charts, with
their inline emphasis as :class:`Run` objects. :mod:`greenlib.report.docx` lays these
blocks out in a Word document; keeping this step free of python-docx lets the tests check
what a report *says* without writing a file.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from markdown_it import MarkdownIt
from nbformat import NotebookNode

from ..office import xml_safe
from .fmt import numeric_texts

# --------------------------------------------------------------------------- blocks


@dataclass
class Run:
    """A piece of inline text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """One element of the document, independent of python-docx.

    ``kind``: title, meta, heading, para, item, note, empty, table, chart, image.
    """

    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0  # heading level (1..3), list depth
    label: str = ""  # list marker ("•", "1.") or note kind ("note", "warn")
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    spec: dict[str, Any] | None = None
    png: bytes = b""
    landscape: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _runs(text: str, bold: bool = False) -> list[Run]:
    return [Run(text, bold=bold)] if text else []


# --------------------------------------------------------------------------- markdown


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@functools.cache
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_runs(token: Any) -> list[Run]:
    """The children of an ``inline`` token as runs; a line break inside Chinese text
    disappears (the notebooks wrap long sentences), elsewhere it is a space."""
    runs: list[Run] = []
    bold = italic = 0
    children = token.children or []
    for i, ch in enumerate(children):
        t = ch.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t in ("text", "code_inline"):
            runs.append(Run(ch.content, bold > 0, italic > 0))
        elif t == "softbreak":
            before = runs[-1].text[-1:] if runs else ""
            after = next((c.content[:1] for c in children[i + 1:] if c.content), "")
            if not (before and after and (_is_wide(before) or _is_wide(after))):
                runs.append(Run(" ", bold > 0, italic > 0))
        elif t == "hardbreak":
            runs.append(Run("\n", bold > 0, italic > 0))
        elif t == "image":
            runs.append(Run(ch.content or "", bold > 0, italic > 0))
        elif t == "html_inline":
            continue
    merged: list[Run] = []
    for r in runs:  # join neighbours with the same emphasis
        if merged and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1].text += r.text
        else:
            merged.append(r)
    return [r for r in merged if r.text]


def markdown_blocks(text: str, heading_offset: int = 0) -> list[Block]:
    """Markdown → blocks. A ``#``×n heading becomes level ``n - heading_offset`` (1..3)."""
    tokens = _md().parse(text)
    blocks: list[Block] = []
    lists: list[list[Any]] = []  # stack of [ordered, next number]
    table: Block | None = None
    row: list[str] | None = None
    in_head = False
    heading_level = 0
    quote = 0
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "heading_close":
            heading_level = 0
        elif t == "bullet_list_open":
            lists.append([False, 0])
        elif t == "ordered_list_open":
            lists.append([True, int(tok.attrGet("start") or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "table_open":
            table = Block("table")
        elif t == "table_close" and table is not None:
            table.numeric = [_numeric_column([r[i] for r in table.rows if i < len(r)])
                             for i in range(len(table.header))]
            blocks.append(table)
            table = None
        elif t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row = []
        elif t == "tr_close" and table is not None and row is not None:
            if in_head:
                table.header = row
            else:
                table.rows.append(row)
            row = None
        elif t == "inline":
            runs = _inline_runs(tok)
            if row is not None:
                row.append("".join(r.text for r in runs).strip())
            elif heading_level:
                level = min(3, max(1, heading_level - heading_offset))
                blocks.append(Block("heading", [Run("".join(r.text for r in runs).strip())],
                                    level=level))
            elif lists:
                ordered, n = lists[-1]
                if ordered:
                    lists[-1][1] += 1
                blocks.append(Block("item", runs, level=len(lists),
                                    label=f"{n}." if ordered else "•"))
            elif quote:
                blocks.append(Block("note", runs, label="note"))
            else:
                blocks.append(Block("para", runs))
        elif t in ("fence", "code_block"):
            blocks.append(Block("para", _runs(tok.content.rstrip("\n"))))
    return blocks


def _heading_levels(text: str) -> Iterator[int]:
    for tok in _md().parse(text):
        if tok.type == "heading_open":
            yield int(tok.tag[1])


# --------------------------------------------------------------------------- HTML outputs

def _numeric_column(values: Iterable[str]) -> bool:
    return numeric_texts(values)


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _html_table(el: Any) -> Block | None:
    trs = el.xpath(".//tr")
    if not trs:
        return None
    header: list[str] = []
    rows: list[list[str]] = []
    num_cells: list[list[bool]] = []
    for tr in trs:
        cells = tr.xpath("./th|./td")
        texts = [_text(c) for c in cells]
        if not header and all(c.tag == "th" for c in cells):
            header = texts
            continue
        rows.append(texts)
        num_cells.append(["gp-num" in _classes(c) for c in cells])
    if not header:  # no <th> row: the first row is the header
        header, rows = rows[0], rows[1:]
    ncol = len(header)
    rows = [(r + [""] * ncol)[:ncol] for r in rows]
    numeric = []
    for i in range(ncol):
        marked = [flags[i] for flags in num_cells if i < len(flags)]
        numeric.append(all(marked) if marked and any(marked)
                       else _numeric_column(r[i] for r in rows))
    return Block("table", header=header, rows=rows, numeric=numeric)


def _cards(el: Any) -> Block:
    """The headline cards (``show_headline``) as a two-row table: label over figure."""
    labels, figures = [], []
    for card in el.xpath('.//div[contains(concat(" ", @class, " "), " gp-card ")]'):
        n = card.xpath('.//div[contains(@class, "gp-card-n")]')
        lab = card.xpath('.//div[contains(@class, "gp-card-l")]')
        labels.append(_text(lab[0]) if lab else "")
        figures.append(_text(n[0]) if n else "")
    return Block("table", header=labels, rows=[figures], numeric=[False] * len(labels),
                 label="cards")


_SPEC = re.compile(r"\bvar\s+spec\s*=\s*")


def _specs_in_script(text: str) -> list[dict[str, Any]]:
    """The Vega-Lite specs inside the ``vegaEmbed`` scripts of :func:`render.chart_html`."""
    specs = []
    for m in _SPEC.finditer(text):
        try:
            spec, _ = json.JSONDecoder().raw_decode(text, m.end())
        except ValueError:
            continue
        if isinstance(spec, dict):
            specs.append(spec)
    return specs


def html_blocks(text: str, heading_offset: int = 0) -> list[Block]:
    """One HTML output → blocks (known report elements first, then plain HTML)."""
    if text.lstrip().startswith('<script id="greenplan-vega-bundle"'):
        return []  # the vega bundle, or its placeholder in a built notebook: nothing to show
    if "vegaEmbed" in text and _SPEC.search(text):
        return [Block("chart", spec=s) for s in _specs_in_script(text)]
    try:
        parts = lxml_html.fragments_fromstring(text)
    except Exception:  # lxml raises several kinds on odd fragments
        return []
    blocks: list[Block] = []
    loose: list[Run] = []

    def flush() -> None:
        if loose and "".join(r.text for r in loose).strip():
            blocks.append(Block("para", list(loose)))
        loose.clear()

    for part in parts:
        if isinstance(part, str):
            loose.extend(_runs(part.strip()))
            continue
        if part.tag in ("b", "strong", "i", "em", "span", "a", "code"):
            loose.append(Run(_text(part), bold=part.tag in ("b", "strong"),
                             italic=part.tag in ("i", "em")))
            if part.tail and part.tail.strip():
                loose.append(Run(part.tail.strip()))
            continue
        flush()
        blocks += _element_blocks(part, heading_offset)
        if part.tail and part.tail.strip():
            loose.extend(_runs(part.tail.strip()))
    flush()
    return blocks


def _element_blocks(el: Any, heading_offset: int) -> list[Block]:
    tag, cls = el.tag, _classes(el)
    if not isinstance(tag, str) or tag in ("script", "style", "template"):
        return []
    if tag == "table":
        t = _html_table(el)
        return [t] if t else []
    if tag == "h1" and "gp-title" in cls:
        return [Block("title", _runs(_text(el)))]
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = min(3, max(1, int(tag[1]) - heading_offset))
        return [Block("heading", _runs(_text(el)), level=level)]
    if "gp-meta" in cls:
        return [Block("meta", _runs(_text(el)))]
    if "gp-cards" in cls:
        return [_cards(el)]
    if cls & {"gp-note", "gp-warn"}:
        return [Block("note", _runs(_text(el)), label="warn" if "gp-warn" in cls else "note")]
    if "gp-empty" in cls:
        return [Block("empty", _runs(_text(el)))]
    if tag in ("ul", "ol"):
        return [Block("item", _runs(_text(li)), level=1,
                      label=f"{i}." if tag == "ol" else "•")
                for i, li in enumerate(el.xpath("./li"), start=1)]
    if tag == "img":
        return []
    children = [c for c in el if isinstance(c.tag, str)]
    block_children = [c for c in children
                      if c.tag in ("table", "div", "p", "ul", "ol", "h1", "h2", "h3", "h4")]
    if tag == "div" and block_children:
        out: list[Block] = []
        for c in children:
            out += _element_blocks(c, heading_offset)
        return out
    text = _text(el)
    return [Block("para", _runs(text))] if text else []


# --------------------------------------------------------------------------- notebook


def _heading_offset(nb: NotebookNode) -> int:
    """How many markdown levels to drop so that the top level becomes Heading 1."""
    levels: list[int] = []
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            levels += _heading_levels(cell.get("source", ""))
        for out in cell.get("outputs", []) or []:
            md = (out.get("data") or {}).get("text/markdown")
            if md:
                levels += _heading_levels(md if isinstance(md, str) else "".join(md))
    return (min(levels) - 1) if levels else 0


def _vegalite(data: dict[str, Any]) -> dict[str, Any] | None:
    for mime, value in data.items():
        if mime.startswith("application/vnd.vegalite.v") and mime.endswith("+json"):
            return value if isinstance(value, dict) else json.loads(value)
    return None


def notebook_blocks(nb: NotebookNode) -> list[Block]:
    """Every markdown cell and every displayed output of ``nb``, in order, as blocks.

    Stream outputs (prints, warnings) and code are left out, like in the HTML.
    """
    import base64

    offset = _heading_offset(nb)
    blocks: list[Block] = []
    for cell in nb.cells:
        kind = cell.get("cell_type")
        if kind == "markdown":
            blocks += markdown_blocks(cell.get("source", ""), offset)
            continue
        if kind != "code":
            continue
        for out in cell.get("outputs", []) or []:
            if out.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = out.get("data") or {}
            spec = _vegalite(data)
            if spec is not None:
                blocks.append(Block("chart", spec=spec))
            elif "text/html" in data:  # xml_safe: a control character from the data
                h = data["text/html"]
                blocks += html_blocks(xml_safe(h if isinstance(h, str) else "".join(h)), offset)
            elif "text/markdown" in data:
                m = data["text/markdown"]
                blocks += markdown_blocks(xml_safe(m if isinstance(m, str) else "".join(m)),
                                          offset)
            elif "image/png" in data:
                blocks.append(Block("image", png=base64.b64decode(data["image/png"])))
    return blocks
