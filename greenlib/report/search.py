"""Offline full-text search of the built sites: one index per plan, one search page.

Each plan's site gets ``search-index.js`` (a script that appends the plan's index to the
global ``GREENPLAN_SEARCH``: a script file, because ``fetch()`` of a local JSON file fails
from ``file://``), and the build folder gets ``search.html`` and ``search.js`` (the page's
code, a file beside it: the pages' CSP lets scripts run from the site itself, and the page
has no inline handler). ``search.html?q=绿色工厂`` runs a search, so links can carry one.

What is indexed, per plan: every section (h1–h3) of every report page (page, heading,
anchor, text), and the data itself — every task with its text, target, goal, responsible
unit and monitoring figure — each linked to the page that shows it.

Chinese has no spaces, so words are not split: the index maps every character *bigram* of
a document (case and full-width letters folded, white space dropped) to the documents that
hold it (the CJK bigram method of Lucene's CJKAnalyzer). A query's bigrams narrow the
documents down; each is then checked for the query as a phrase (white space between any two
characters allowed, a number not matched inside a longer one: 任务2 does not find 任务28),
which also gives the snippet. Single characters are not indexed (a one-character query
scans the documents instead): their postings would double the index for a query too broad
to be useful. No library: a maintained one (MiniSearch) tokenises on spaces and would need
the same bigram tokeniser, and Pagefind needs a web server.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from .. import contract, labels

#: The file of a plan's index (in its site folder) and the search page (in the build folder).
INDEX_FILE = "search-index.js"
PAGE = "search.html"
SCRIPT = "search.js"
STATIC = Path(__file__).parent / "static"
#: Kinds of documents, in the order the index stores them (their labels: labels.SEARCH_KINDS).
KINDS = ("page", "task", "target", "goal", "unit", "figure")

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """What the index compares: full-width letters and digits as ASCII, lower case, no white
    space (search.js folds queries the same way)."""
    return _SPACE.sub("", text.translate(_FULLWIDTH).lower())


def bigrams(text: str) -> set[str]:
    f = fold(text)
    return {f[i:i + 2] for i in range(len(f) - 1)}


@dataclass
class Doc:
    """One search result: a section of a page, or an item of the data shown on a page."""

    page: str  # href relative to the plan's site
    kind: str
    heading: str
    anchor: str
    text: str


class _Sections(HTMLParser):
    """A report page's ``<main>`` cut at its h1–h3 headings: (heading, id, text) per section.
    Scripts, styles, the contents list, the back link and the footer are left out."""

    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "footer", "svg", "button"}
    BLOCK: ClassVar[set[str]] = {"p", "div", "li", "tr", "td", "th", "br", "h1", "h2", "h3",
                                 "h4", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", "", ""]]
        self.skip = 0
        self.heading: list[str] | None = None
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag in self.SKIP:
            self.skip += 1
            return
        if tag in ("h1", "h2", "h3") and not self.skip:
            self.heading = []
            self.sections.append(["", a.get("id") or "", ""])
        elif tag in self.BLOCK and not self.skip:
            self.sections[-1][2] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("h1", "h2", "h3") and self.heading is not None:
            self.sections[-1][0] = _SPACE.sub(" ", "".join(self.heading)).strip()
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip or not self.in_main:
            return
        if self.heading is not None:
            self.heading.append(data)
        else:
            self.sections[-1][2] += data


_RAW = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_BACK = re.compile(r'<p class="gp-back">.*?</p>', re.S)


def page_sections(page_html: str) -> list[tuple[str, str, str]]:
    """(heading, anchor, text) for each section of a report page that holds any text."""
    parser = _Sections()
    parser.feed(_BACK.sub("", _RAW.sub("", page_html)))
    out = []
    for heading, anchor, text in parser.sections:
        text = _SPACE.sub(" ", text).strip()
        if text or heading:
            out.append((heading, anchor, text))
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    import csv

    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _where(needle: str, preferred: list[str], sections: dict[str, list[tuple[str, str, str]]]
           ) -> tuple[str, str]:
    """The page (and the anchor of its section) that shows ``needle``: the first preferred
    page that exists, else any page holding it; the plan's index when none does."""
    f = fold(needle)[:24]
    for page in [*preferred, *[p for p in sections if p not in preferred]]:
        if page not in sections:
            continue
        for _, anchor, text in sections[page]:
            if f and f in fold(text):
                return page, anchor
        if page in preferred:
            return page, ""
    return "index.html", ""


def data_docs(data_dir: Path, reports: Iterable[Any],
              sections: dict[str, list[tuple[str, str, str]]]) -> list[Doc]:
    """Tasks, targets, goals, units and figures, each linked to the page that shows it."""
    by_sector: dict[str, str] = {}
    unit_page: dict[str, str] = {}
    overview: list[str] = []
    for r in reports:
        href = f"{r.name}.html"
        if r.parameters.get("unit"):
            unit_page[str(r.parameters["unit"])] = href
        elif r.parameters.get("sector"):
            by_sector.setdefault(str(r.parameters["sector"]), href)
        elif r.notebook.stem == "overview":
            overview.append(href)
    sector_names = {r["sector"]: r["sector_name"] for r in _rows(data_dir / contract.SECTORS)}
    docs: list[Doc] = []
    targets = {t["target_id"]: t for t in _rows(data_dir / contract.TARGETS)}
    for t in _rows(data_dir / contract.TASKS):
        pref = [by_sector.get(t["sector"], ""), unit_page.get(t.get("lead_unit") or "", ""),
                *overview]
        page, anchor = _where(t["text"][:16], pref, sections)
        units = "、".join(u for u in [t.get("lead_unit") or "",
                                      *(t.get("co_units") or "").split(";")] if u)
        sector = sector_names.get(t["sector"], "")
        docs.append(Doc(page, "task", labels.SEARCH_TASK.format(n=t["task_id"]),
                        anchor, f"{t['text']} {sector} {units}".strip()))
    for t in targets.values():
        page, anchor = _where(t["indicator"], [by_sector.get(t["sector"], ""), *overview],
                              sections)
        docs.append(Doc(page, "target", f"{t['target_id']} {t['indicator']}", anchor,
                        t.get("quote") or t["indicator"]))
    for g in _rows(data_dir / contract.GOALS):
        page, anchor = _where(g["text"], overview, sections)
        docs.append(Doc(page, "goal", labels.SEARCH_GOAL.format(id=g["goal_id"], year=g["year"])
                        if g.get("year") else g["goal_id"], anchor, g["text"]))
    for u in _rows(data_dir / contract.UNITS):
        page = unit_page.get(u["unit"])
        page, anchor = (page, "") if page else _where(u["unit"], overview, sections)
        docs.append(Doc(page, "unit", u["unit"], anchor, f"{u['full_name']} {u['kind']}"))
    seen: set[tuple[str, ...]] = set()
    for o in _rows(data_dir / contract.OBSERVATIONS):
        key = (o["indicator"], o["geo"], o["year"], o["value"])
        if key in seen:
            continue
        seen.add(key)
        t = targets.get(o["target_id"], {})
        page, anchor = _where(o["indicator"], [by_sector.get(t.get("sector", ""), ""),
                                               *overview], sections)
        docs.append(Doc(page, "figure", f"{o['indicator']}（{o['geo']} {o['year']}）", anchor,
                        f"{o['value']} {o['unit']} {o.get('source_title') or ''}".strip()))
    return docs


def _postings(docs: list[Doc]) -> dict[str, str]:
    """bigram → the documents holding it, as base-36 gaps joined by commas (small to ship)."""
    index: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        for g in bigrams(d.heading + " " + d.text):
            index.setdefault(g, []).append(i)
    out = {}
    for g in sorted(index):
        ids, prev, parts = index[g], 0, []
        for i in ids:
            parts.append(_b36(i - prev))
            prev = i
        out[g] = ",".join(parts)
    return out


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = digits[r] + s
        if not n:
            return s


def build_index(plan_id: str, title: str, site: Path, data_dir: Path,
                reports: Iterable[Any]) -> dict[str, Any]:
    """A plan's index: its pages, its documents and their bigram postings."""
    reports = list(reports)
    sections: dict[str, list[tuple[str, str, str]]] = {}
    titles: dict[str, str] = {}
    for r in sorted(reports, key=lambda r: (bool(r.parameters.get("unit")),
                                            "sector" in r.parameters, r.name)):
        p = site / f"{r.name}.html"
        if p.exists():
            sections[f"{r.name}.html"] = page_sections(p.read_text(encoding="utf-8"))
            titles[f"{r.name}.html"] = r.title
    docs = [Doc(page, "page", heading or titles[page], anchor, text)
            for page, secs in sections.items() for heading, anchor, text in secs]
    docs += data_docs(data_dir, reports, sections)
    titles.setdefault("index.html", labels.SEARCH_INDEX_PAGE)
    pages = list(dict.fromkeys(d.page for d in docs))
    return {
        "plan": plan_id, "title": title, "base": f"{plan_id}/site/",
        "kinds": [labels.SEARCH_KINDS[k] for k in KINDS],
        "pages": [[p, titles.get(p, p)] for p in pages],
        "docs": [[pages.index(d.page), KINDS.index(d.kind), d.heading, d.anchor, d.text]
                 for d in docs],
        "grams": _postings(docs),
    }


def index_script(index: dict[str, Any]) -> str:
    """The index as a script file: ``GREENPLAN_SEARCH.push({...})`` (no ``</script>``)."""
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"(window.GREENPLAN_SEARCH = window.GREENPLAN_SEARCH || []).push({text});\n"


def write_plan_index(paths: Any, reports: list[Any], title: str) -> Path | None:
    """``site/search-index.js`` of a plan's current site (not of dated snapshots), rewritten
    when a page or the data changed."""
    from . import render
    from .atomic import write_json
    from .version import data_fingerprint

    if getattr(paths, "site_dir", None) is not None or not paths.site.exists():
        return None
    out = paths.site / INDEX_FILE
    h = hashlib.sha256()
    for r in sorted(reports, key=lambda r: r.name):
        p = paths.site / f"{r.name}.html"
        h.update(f"{r.name}\0{r.title}\0".encode())
        h.update(hashlib.sha256(p.read_bytes()).digest() if p.exists() else b"-")
    h.update(data_fingerprint(paths.data).encode())
    h.update((STATIC / SCRIPT).read_bytes() + Path(__file__).read_bytes())
    key = h.hexdigest()
    stamp = paths.cache / "search.json"
    try:
        if out.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
            return out
    except (OSError, ValueError):
        pass
    index = build_index(paths.root.name, title, paths.site, paths.data, reports)
    render.write_atomic(out, index_script(index))
    write_json(stamp, {"key": key})
    return out


def search_page(build: Path, page: Any) -> str:
    """``build/search.html``: the search box, the results list and the scripts (each plan's
    index, then search.js), all files of the site."""
    plans = sorted(build.glob(f"*/site/{INDEX_FILE}"))
    scripts = [f"{p.parent.parent.name}/site/{INDEX_FILE}" for p in plans] + [SCRIPT]
    messages = html.escape(json.dumps(labels.SEARCH_MESSAGES, ensure_ascii=False), quote=True)
    body = f"""<p class="meta"><a href="index.html">← 全部规划</a></p>
<h1>{html.escape(labels.SEARCH_TITLE)}</h1>
{search_form(PAGE, plan="", input_id="gp-q")}
<p id="gp-status" class="meta" role="status">{html.escape(labels.SEARCH_NEEDS_SCRIPT)}</p>
<ol id="gp-results" class="gp-results" data-messages="{messages}"></ol>
<div class="note">{html.escape(labels.SEARCH_NOTE)}</div>"""
    return page(labels.SEARCH_TITLE, body, scripts=scripts)


def search_form(action: str, plan: str | None = None, input_id: str = "gp-search-q") -> str:
    """The search box of the index pages (a GET form: works without any script)."""
    hidden = ("" if plan is None else
              f'<input type="hidden" name="plan" id="gp-plan" value="{html.escape(plan)}">')
    return (f'<form class="gp-search" role="search" action="{html.escape(action)}" method="get">'
            f'<label for="{input_id}">{html.escape(labels.SEARCH_LABEL)}</label> '
            f'<input type="search" id="{input_id}" name="q" '
            f'placeholder="{html.escape(labels.SEARCH_PLACEHOLDER)}">{hidden} '
            f'<button type="submit">{html.escape(labels.SEARCH_BUTTON)}</button></form>')


def write_search_page(build: Path, page: Any) -> Path:
    """``build/search.html`` and ``build/search.js`` (from greenlib/report/static)."""
    from . import render

    render.write_atomic(build / SCRIPT, (STATIC / SCRIPT).read_text(encoding="utf-8"))
    out = build / PAGE
    render.write_atomic(out, search_page(build, page))
    return out
