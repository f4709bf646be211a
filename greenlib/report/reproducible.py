"""Same inputs, same bytes: what the report stage does so a rebuild is byte-identical, and the
Content-Security-Policy every page carries.

The one thing allowed to differ between two builds of the same inputs is the declared build
stamp: the line ``生成时间：…`` in a report's footer (and the build time on the index pages).
Everything else that tools would make random or time-dependent is fixed here:

* chart ``<div>`` ids: a hash of the chart's spec and its position (:func:`chart_id`);
* notebook cell ids (nbformat makes random ones): ``cell-<n>`` (:func:`fix_cell_ids`);
* xlsx/docx: the zip entries' times and the core properties' created/modified dates are
  the data's as-of date (:func:`fix_office_file`);
* PDF: Chromium's ``/CreationDate`` and ``/ModDate`` become the as-of date, and the
  trailer ``/ID`` a hash of the file (:func:`fix_pdf`), each in place with the same length
  so the cross-reference offsets stay valid.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..office import as_of_datetime, fix_office_file  # noqa: F401 (re-exported)

#: The policy of every page: nothing from the network, no plug-ins, no forms; the inline
#: vega bundle and chart scripts may run ('unsafe-eval': vega compiles its expressions with
#: ``new Function``), but no inline event handler (``onerror=…``, ``onclick=…``:
#: ``script-src-attr 'none'``, CSP level 3, Chromium 75+), inline styles, and images only as
#: data: URIs (embedded PNGs).
CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; script-src-attr 'none'; "
       "style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

_counter: dict[str, int] = {}


def chart_id(spec: dict[str, Any]) -> str:
    """A stable id for a chart's ``<div>``: the spec's hash, numbered when a page shows the
    same chart twice (ids stay unique on the page)."""
    h = hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False,
                                  default=str).encode("utf-8")).hexdigest()[:12]
    n = _counter.get(h, 0)
    _counter[h] = n + 1
    return f"gp-vis-{h}" + (f"-{n}" if n else "")


def add_csp(page: str) -> str:
    """Insert the CSP ``<meta>`` right after ``<head>`` (before any script or style)."""
    if CSP_META in page:
        return page
    m = re.search(r"<head[^>]*>", page, flags=re.IGNORECASE)
    if not m:
        raise ValueError("page has no <head>")
    return page[:m.end()] + "\n" + CSP_META + page[m.end():]


def fix_cell_ids(nb: Any) -> Any:
    """Give every cell the id ``cell-<n>`` (in place; returns the notebook)."""
    for i, cell in enumerate(nb.cells):
        if "id" in cell or nb.get("nbformat_minor", 0) >= 5:
            cell["id"] = f"cell-{i}"
    return nb


def as_of_of(data_dir: str | Path) -> str | None:
    """The as-of date of a data folder (its plan.json), the date office files carry."""
    try:
        return json.loads((Path(data_dir) / "plan.json").read_text(encoding="utf-8")).get("as_of")
    except (OSError, ValueError):
        return None


# shared with the monitor stage (request workbooks): greenlib/office.py
_as_of_datetime = as_of_datetime


_PDF_DATE_RE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:([0-9]{4,14})([^)]*)\)")
_PDF_ID_RE = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def fix_pdf(data: bytes, as_of: str | None) -> bytes:
    """Chromium's PDF with its dates set to ``as_of`` and its /ID derived from the content.

    Every replacement keeps the byte length, so the xref table stays right.
    """
    when = _as_of_datetime(as_of).strftime("%Y%m%d%H%M%S").encode()

    def date(m: re.Match[bytes]) -> bytes:
        # the digits only; the time-zone tail depends on the machine, not on the time
        digits = (when + b"0" * 14)[:len(m.group(2))]
        return b"/" + m.group(1) + b" (D:" + digits + m.group(3) + b")"

    fixed = _PDF_DATE_RE.sub(lambda m: _same_len(m, date(m)), data)
    digest = hashlib.sha256(_PDF_ID_RE.sub(b"/ID []", fixed)).hexdigest().upper().encode()

    def ident(m: re.Match[bytes]) -> bytes:
        a = (digest * 4)[:len(m.group(1))]
        b = (digest * 4)[:len(m.group(2))]
        return _same_len(m, m.group(0).replace(m.group(1), a, 1).replace(m.group(2), b, 1))

    return _PDF_ID_RE.sub(ident, fixed)


def _same_len(m: re.Match[bytes], new: bytes) -> bytes:
    return new if len(new) == len(m.group(0)) else m.group(0)
