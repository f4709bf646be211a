"""What a leader-facing page may not say: file names, commands, field or rule codes, English
words. :func:`machine_talk` lists every such string of a text (HTML text or Word text)."""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

#: ASCII words a Chinese report may carry: indicator abbreviations and units.
#: "Word" is the word processor named by the Word file's own contents note (docx module).
WHITELIST = {"Word", "GDP", "PM2.5", "PM10", "CO2", "SO2", "NOx", "COD", "km", "kg", "kW", "kWh", "MW",
             "GW", "GWh", "m2", "m3", "mg", "t", "tce", "ha", "ppm", "AQI", "LED", "PPP", "EOD",
             "ESG", "VOCs", "Ⅲ"}
PATTERNS: list[tuple[str, str]] = [
    (r"[\w./-]+\.(?:py|csv|yaml|yml|ipynb|json|md|xlsx|html|txt|docx|pdf)\b", "file name"),
    (r"\bmake\s+[a-z-]+|\bpython\b|\bpip\b|\bPLAN=|\bAS_OF=", "command"),
    (r"\b[a-z]+_[a-z0-9_]+\b", "snake_case code"),
    (r"(?:reference|plans|build|notebooks|greenlib)/", "folder"),
]
#: The plan's numbering of its targets (T01 …), shown beside each target as its 编号.
_TARGET_ID = re.compile(r"^T\d{2,}$")
#: A cell of a department's own workbook right after its sheet's name (重点任务!H11, 重点任务 H11):
#: the position the clerk corrects, in the spreadsheet's own names (issues 16 and 21).
_CELL = re.compile(r"(?<=[\u4e00-\u9fff][!！ ])\$?[A-Z]{1,3}\$?[1-9]\d{0,6}\b")
#: Web addresses and domains in source citations are not machine talk.
_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|gov)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]|[A-Za-z]")


def html_text(page: str) -> str:
    """The text a reader sees: no scripts, styles or tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html_mod.unescape(re.sub(r"<[^>]+>", " ", page)))


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a Word file, headers and footers included."""
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    for sec in d.sections:
        parts += [p.text for p in sec.header.paragraphs] + [p.text for p in sec.footer.paragraphs]
    return "\n".join(parts)


def quoted_words(data_dir: Path) -> set[str]:
    """ASCII words of the texts a report quotes as they are: the plan's own (OCR'd) words,
    the titles and extracts of published sources, the public evidence of progress."""
    import pandas as pd

    texts: list[str] = []
    for name, cols in [("tasks.csv", ["text"]), ("targets.csv", ["quote", "indicator"]),
                       ("goals.csv", ["text"]),
                       ("observations.csv", ["source_title", "quote", "indicator"]),
                       ("status.csv", ["source_title"]),
                       ("task_status.csv", ["public_evidence", "public_evidence_sources",
                                            "progress", "evidence"])]:
        p = Path(data_dir) / name
        if p.exists():
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
            texts += [v for c in cols if c in df.columns for v in df[c]]
    return {w.rstrip(".") for w in _WORD.findall(_URL.sub(" ", " ".join(texts)))}


def machine_talk(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every file name, command, code, folder or ASCII word in ``text`` that is neither in
    :data:`WHITELIST` nor ``allowed`` (quoted words, the data version)."""
    found: list[str] = []
    bare = _CELL.sub(" ", _URL.sub(" ", text))
    for pattern, what in PATTERNS:
        found += [f"{what}: {m}" for m in re.findall(pattern, bare)]
    for w in _WORD.findall(bare):
        w = w.rstrip(".")
        if len(w) >= 2 and w not in WHITELIST and w not in allowed and not _TARGET_ID.match(w):
            found.append(f"ASCII word: {w}")
    return found
