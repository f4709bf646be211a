"""Read a plan (.txt or .docx) and normalise what OCR and web copies break.

The normalised text keeps, for every character, the offset of the raw character
it came from, so every parsed row can point back to the plan's own words.

What is normalised (each step is a rule with a name, counted for the quality report):

* ``boilerplate``: the web-library banner line (``…由会员分享,可在线阅读…``).
* ``page_marker``: page numbers such as ``12、`` that a scrape puts at the start of
  every page. They land mid-sentence and even mid-name, so they are removed with the
  line break they stand on; only markers that continue the page sequence are taken.
* ``table_header``: the annex header (类别 / 重点任务 / 责任单位) repeated on every
  page, also in garbled forms (``类SIJ重点任务责任单位``).
* ``width``: full-width ASCII letters and digits become half-width; ASCII punctuation
  between Chinese characters becomes the Chinese full-width form.
* ``space``: stray spaces between Chinese characters.
* ``pinyin``: pinyin glosses that mirror sites insert, with tone marks (``達(dá)到``) or
  without (``達(da)(da)到(dao)``, only when a text has several).
* ``cn_year``: a year in Chinese numerals (``二〇三〇年``) becomes digits, one per character.
* ``roc_year``: a 民國 year (``民國一二四年``, ``至一一○年``) becomes the common era (2035年, 2021年).
* ``cn_number``: an amount in Chinese numerals before a unit (``三千五百處``, ``三十萬人``,
  ``廿七·五萬噸``) becomes digits; only numerals with 十/百/千/廿 or a decimal point (一個 stays).
* ``traditional``: 繁体 characters become simplified (OpenCC t2s, character by
  character so offsets stay one-to-one).

NFKC is applied to *match keys* only (:func:`match_key`), never to the text shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import guards
from ..errors import InputError

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{CJK}]")

#: ASCII punctuation that, between Chinese characters, stands for the full-width form.
_PUNCT_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_FULL_SET = set("，。、；：（）“”？！")
#: a space next to these (or to a Chinese character) is a stray space
_SPACE_EATERS = _FULL_SET | set(_PUNCT_FULL)


#: Chinese-numeral digits (〇, the circle ○ and 零 are all 0)
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
#: a year of this century written in Chinese numerals: 二〇二五年, 二○三○年 (○ is a circle, 零 too)
_CN_YEAR_RE = re.compile(r"(二[〇○零][〇○零一二三四五六七八九]{2})年")
#: a 民國 year: after 民國, or a 1xx year after 至/於/在/到 (Taiwan texts)
_ROC_YEAR_RE = re.compile(r"(?:(?P<roc>民[國国])|(?<=[至於于在到]))"
                          r"(?P<y>一[〇○零一二三四五][〇○零一二三四五六七八九]|[八九][〇○零一二三四五六七八九])年")
_CN_NUM = "一二三四五六七八九两兩"
#: an amount in Chinese numerals right before a unit (with a magnitude char or a decimal point)
_CN_AMOUNT_RE = re.compile(
    rf"(?<![第{_CN_NUM}〇○零十百千廿])(?P<n>(?:[{_CN_NUM}][千仟])?(?:[{_CN_NUM}][百佰])?(?:[{_CN_NUM}]?十)?"
    rf"(?:廿)?[{_CN_NUM}]?)(?:[·．.点點](?P<d>[〇○零{_CN_NUM}]+))?"
    r"(?=[萬万億亿]?(?:噸|吨|人|處|处|個|个|公頃|公顷|畝|亩|公里|株|戶|户|座|家|輛|辆|台|套))"
)
_CN_VAL = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "两": 2, "兩": 2}


def _cn_amount(n: str, d: str | None) -> str | None:
    """三千五百 → 3500, 三十 → 30, 廿七 → 27, 廿七·五 → 27.5; None unless the numeral has a
    magnitude character (十/百/千/廿) or a decimal part."""
    if not n or not (re.search("[十百千仟佰廿]", n) or d):
        return None
    total, cur = 0, 0
    for c in n:
        if c in _CN_VAL:
            cur = _CN_VAL[c]
        elif c in "千仟":
            total, cur = total + (cur or 1) * 1000, 0
        elif c in "百佰":
            total, cur = total + (cur or 1) * 100, 0
        elif c == "十":
            total, cur = total + (cur or 1) * 10, 0
        elif c == "廿":
            total, cur = total + 20, 0
    total += cur
    return str(total) + ("." + "".join(str(_CN_VAL[c]) for c in d) if d else "")


def _replace(text: str, offs: list[int], subs: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """``text`` with each span (a, b) replaced by its new string; a new character takes the
    offset of the one it replaces (extra ones that of the span's last character)."""
    out: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for a, b, new in sorted(subs):
        out.append(text[pos:a])
        new_offs += offs[pos:a]
        out.append(new)
        new_offs += [offs[min(a + i, b - 1)] for i in range(len(new))]
        pos = b
    out.append(text[pos:])
    new_offs += offs[pos:]
    return "".join(out), new_offs


@dataclass
class RawDoc:
    """A plan as read from disk: the text every offset refers to."""

    path: Path
    text: str
    sha256: str
    encoding: str


@dataclass
class Normalized:
    """Normalised text plus, per character, its offset in the raw text."""

    text: str
    offsets: list[int]
    raw_len: int
    rules: Counter = field(default_factory=Counter)
    traditional: bool = False

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` of the normalised ``[start, end)``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else self.raw_len
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


#: Largest plan text accepted (bytes). The genre runs to ~40 KB (a municipal plan with
#: annexes to a few hundred KB); anything this big is not a plan, and cleaning it would
#: take minutes and gigabytes.
MAX_BYTES = 20 * 1024 * 1024


def read_plan(path: str | Path) -> RawDoc:
    """Read a .txt (UTF-8, UTF-8 with BOM, GB18030) or .docx plan."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: 找不到文件，请检查路径")
    if p.is_dir():
        raise InputError(f"{p}: 是文件夹，不是规划文件；请给出规划的 .txt 或 .docx 文件")
    if not p.is_file():
        raise InputError(f"{p}: 不是普通文件；请给出规划的 .txt 或 .docx 文件")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{p}: 文件过大（{size / 1e6:.1f} MB，上限 {MAX_BYTES // (1024 * 1024)} MB）；"
                         "规划原文通常不足 1 MB，请确认文件是否选错")
    if size == 0:
        raise InputError(f"{p}: 文件是空的，请检查是否选错文件")
    data = p.read_bytes()
    if p.suffix.lower() == ".docx":
        text = _docx_text(p)
        enc = "docx"
    else:
        if data[:2] == b"PK":
            raise InputError(f"{p}: 是 zip/Office 文件：请改用 .docx 扩展名，或另存为 .txt")
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes nearly anything
            raise InputError(f"{p}: 不是 UTF-8 或 GB18030 文本，请另存为 UTF-8 .txt")
        if "\x00" in text:
            raise InputError(f"{p}: 含有二进制内容（NUL 字符），不是文本文件；请另存为 UTF-8 .txt")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDoc(path=p, text=text, sha256=hashlib.sha256(data).hexdigest(), encoding=enc)


def _docx_text(p: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError as e:  # pragma: no cover
        raise InputError("python-docx is needed to read .docx files") from e
    guards.check_office_zip(p, str(p), ".docx")  # a zip bomb or encrypted, before python-docx
    try:
        document = docx.Document(str(p))
    except Exception as e:  # python-docx raises several kinds for a broken file
        raise InputError(f"{p}: 无法作为 .docx 读取（{e}）；请用 Word 另存后重试") from e
    lines = [para.text for para in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                t = cell.text.strip()
                if not cells or cells[-1] != t:  # merged cells repeat their text
                    cells.append(t)
            lines.append("".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _simplify_char(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Character-by-character 繁→简 (length-preserving)."""
    return "".join(_simplify_char(c) if _CJK_RE.match(c) else c for c in text)


def match_key(text: str) -> str:
    """Key for comparing names and phrases: NFKC, simplified, no spaces/punctuation."""
    s = unicodedata.normalize("NFKC", to_simplified(text))
    return re.sub(r"[\s,，、。;；:：()（）“”\"'‘’]+", "", s)


def _in(ch: str, chars: str | set[str]) -> bool:
    return bool(ch) and ch in chars


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


# --------------------------------------------------------------------------- normalise

_BOILERPLATE_RE = re.compile(r"^[^\n]*(由会员分享|可在线阅读|请在[^\n]{0,12}上搜索|文档下载)[^\n]*\n?")
# A page marker: digits + 、 at the start of a line (page numbers of the scrape).
_MARKER_RE = re.compile(r"(?m)^(\d{1,3})[、.．]\s*")
# The annex table header, repeated on every page, sometimes garbled in its first or
# last characters. "重点任务" with a 责?单位 column, and up to four odd characters of
# the 类别/序号 column before it.
_HEADER_RE = re.compile(
    r"(?:类别|序号|类[A-Za-z\u4e00-\u9fff]{1,3}|[\u4e00-\u9fff]{1})?"
    r"重点任务(?:名称|内容)?\s*(?:责.单位|牵头单位|责任部门|责.部门)"
    r"(?:\s*(?:配合单位|完成时限))?"
)


_PINYIN_RE = re.compile(
    r"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]"
)


# Toneless glosses (達(da)(da)到(dao), 禽(qin)(qin)(qin)): only a real pinyin syllable in
# lower case right after a character or another gloss, and only when a text has several
# of them (one "(a)" in a plan is not a mirror's gloss style).
_SYLLABLE = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
             r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|"
             r"ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)")
_TONELESS_RE = re.compile(rf"(?<=[\u3400-\u9fff)）])[(（]{_SYLLABLE}[)）]")
_TONELESS_MIN = 3


def _drop(text: str, offs: list[int], spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``text`` and its offsets without the characters in any of ``spans`` (by slices)."""
    keep_text: list[str] = []
    keep_off: list[int] = []
    pos, n = 0, len(text)
    for a, b in sorted(spans):
        a = min(a, n)
        if a > pos:
            keep_text.append(text[pos:a])
            keep_off += offs[pos:a]
        pos = max(pos, b)
    if pos < n:
        keep_text.append(text[pos:])
        keep_off += offs[pos:]
    return "".join(keep_text), keep_off


def _drop_spans(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``text`` without the characters in any of ``spans``, and the kept positions."""
    return _drop(text, list(range(len(text))), spans)


def page_marker_spans(text: str) -> list[tuple[int, int]]:
    """Spans of page markers (with the line break before them) that follow the page sequence.

    A scrape numbers pages 1, 2, 3, …; a list item "3、" inside a page would break the
    sequence and is kept. A gap of one or two pages is tolerated (a lost line).
    """
    spans: list[tuple[int, int]] = []
    expected = None
    for m in _MARKER_RE.finditer(text):
        n = int(m.group(1))
        if expected is None:
            ok = n <= 3
        else:
            ok = expected <= n <= expected + 2
        if not ok:
            continue
        start = m.start()
        if start > 0 and text[start - 1] == "\n":
            start -= 1
        spans.append((start, m.end()))
        expected = n + 1
    # A scrape has many pages; two or fewer "markers" are real list items, not pages.
    return spans if len(spans) >= 3 else []


_PUNCT_ASCII_RE = re.compile("[" + re.escape("".join(_PUNCT_FULL)) + "]")
_BRACKET_RE = re.compile("[（）)]")
_SPACE_RUN_RE = re.compile("[ \t]+")
#: a space before one of these (or before a Chinese character) is a stray space
_SPACE_EATERS_NEXT = _SPACE_EATERS | {"."}


def _line_joins(text: str) -> list[int]:
    """Positions of the line breaks inside a sentence: between two characters, not after 。."""
    out = []
    n = len(text)
    i = text.find("\n")
    while i >= 0:
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if prev and nxt and prev not in "。\n" and nxt != "\n":
            out.append(i)
        i = text.find("\n", i + 1)
    return out


def _char_table(text: str) -> tuple[dict[int, str], set[str], set[str]]:
    """(translation table, full-width letters and digits, 繁体 characters) of ``text``."""
    table: dict[int, str] = {}
    width: set[str] = set()
    trad: set[str] = set()
    for ch in set(text):
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch.isalnum():
            table[code] = chr(code - 0xFEE0)
            width.add(ch)
        elif ch == "\u3000" or ch == "\xa0":
            table[code] = " "
        elif is_cjk(ch) and (s := _simplify_char(ch)) != ch:
            table[code] = s
            trad.add(ch)
    return table, width, trad


def _chars(text: str, offs: list[int], rules: Counter) -> tuple[str, list[int], int]:
    """Full-width letters and digits → ASCII, odd spaces → space, 繁体 → 简体, and stray
    spaces (beside Chinese or punctuation) dropped: (text, offsets, 繁体 characters).

    The same as reading character by character: a space is stray after a kept Chinese
    character or punctuation mark, or before one (the next character that is no space)."""
    table, width, trad = _char_table(text)
    # the few characters to change, found by a character class (faster than translate)
    conv = re.sub("[" + re.escape("".join(map(chr, table))) + "]", lambda m: table[ord(m.group())],
                  text) if table else text
    drops: list[tuple[int, int]] = []
    n = len(text)
    for m in _SPACE_RUN_RE.finditer(conv):
        s, e = m.span()
        nxt = text[e] if e < n else ""
        before = is_cjk(nxt) or _in(nxt, _SPACE_EATERS_NEXT)
        prev = conv[s - 1] if s else ""
        for i in range(s, e):
            if before or is_cjk(prev) or _in(prev, _SPACE_EATERS):
                drops.append((i, i + 1))
            else:
                prev = conv[i]
    counts = Counter(text) if width or trad else Counter()
    n_width = sum(counts[c] for c in width)
    # the rules count in the order they first occur (the quality report lists them so)
    first_width = min((text.find(c) for c in width), default=n)
    first_space = drops[0][0] if drops else n
    for _, rule, k in sorted([(first_width, "width", n_width), (first_space, "space", len(drops))]):
        if k:
            rules[rule] += k
    if drops:
        conv, offs = _drop(conv, offs, drops)
    return conv, offs, sum(counts[c] for c in trad)


def _full_width_punct(text: str, rules: Counter) -> str:
    """ASCII punctuation beside Chinese text → full-width; a converted mark can make its
    neighbour "beside Chinese" too, so repeat until nothing changes (idempotent).

    Only the few ASCII marks and brackets are visited, in order, as a character-by-character
    pass would; the changed characters are kept aside and written in at the end."""
    new: dict[int, str] = {}
    n = len(text)

    def at(i: int) -> str:
        return new.get(i, text[i]) if 0 <= i < n else ""

    marks = [m.start() for m in _PUNCT_ASCII_RE.finditer(text)]
    brackets = [m.start() for m in _BRACKET_RE.finditer(text)]
    changed = True
    while changed:
        changed = False
        for i in marks:
            ch, prev, nxt = at(i), at(i - 1), at(i + 1)
            near = is_cjk(prev) or is_cjk(nxt) or _in(prev, _FULL_SET) or _in(nxt, _FULL_SET)
            number = prev.isdigit() and nxt.isdigit() and ch in ",:;"
            if near and not number:
                new[i] = _PUNCT_FULL[ch]
                rules["width"] += 1
                changed = True
                if ch == "(":
                    brackets.append(i)
        marks = [i for i in marks if i not in new]
        brackets.sort()
        # a closing bracket whose opening one is full-width (国发（2021)4号) follows it
        depth = 0
        for i in brackets:
            ch = at(i)
            if ch == "（":
                depth += 1
            elif ch == "）":
                depth = max(depth - 1, 0)
            elif ch == ")" and depth:
                new[i] = "）"
                depth -= 1
                rules["width"] += 1
                changed = True
        marks = [i for i in marks if i not in new]
    parts, pos = [], 0
    for i in sorted(new):
        parts += [text[pos:i], new[i]]
        pos = i + 1
    parts.append(text[pos:])
    return "".join(parts)


def normalize(raw: str) -> Normalized:
    """Normalise ``raw`` (see the module docstring); offsets index into ``raw``."""
    rules: Counter = Counter()
    drops: list[tuple[int, int]] = []
    bm = _BOILERPLATE_RE.match(raw)
    if bm:
        drops.append((bm.start(), bm.end()))
        rules["boilerplate"] += 1
    # pinyin glosses a mirror site put after characters: 達(dá)到, 人民網(wǎng)
    for m in _PINYIN_RE.finditer(raw):
        drops.append((m.start(), m.end()))
        rules["pinyin"] += 1
    toneless = list(_TONELESS_RE.finditer(raw))
    if len(toneless) >= _TONELESS_MIN:
        for m in toneless:
            drops.append((m.start(), m.end()))
            rules["pinyin"] += 1
    markers = page_marker_spans(raw)
    # a marker right after the banner line: its line break belongs to the banner
    markers = [(max(a, bm.end()) if bm else a, b) for a, b in markers if not (bm and b <= bm.end())]
    drops.extend(markers)
    rules["page_marker"] += len(markers)
    text, offs = _drop_spans(raw, drops)

    # Remaining line breaks: inside a sentence they are layout, between paragraphs
    # they separate. A scrape's lines end anywhere, so a break between two non-space
    # characters is joined.
    joins = [(i, i + 1) for i in _line_joins(text)]
    if joins:
        rules["line_join"] += len(joins)
        text, offs = _drop(text, offs, joins)

    # Repeated table headers (keep the first, which introduces the table).
    hdr = list(_HEADER_RE.finditer(text))
    if len(hdr) > 1:
        spans = [(m.start(), m.end()) for m in hdr[1:]]
        text, offs = _drop(text, offs, spans)
        rules["table_header"] += len(spans)

    # A year in Chinese numerals (二〇三〇年 → 2030年): one digit per character, offsets kept.
    def _cn_year(m: re.Match[str]) -> str:
        rules["cn_year"] += 1
        return "".join(_CN_DIGITS[c] for c in m.group(1)) + "年"

    text = _CN_YEAR_RE.sub(_cn_year, text)

    # 民國 years and amounts in Chinese numerals (Taiwan and older texts); offsets re-mapped.
    subs: list[tuple[int, int, str]] = []
    for m in _ROC_YEAR_RE.finditer(text):
        y = int("".join(str(_CN_VAL[c]) for c in m.group("y"))) + 1911
        subs.append((m.start(), m.end(), f"{y}年"))
        rules["roc_year"] += 1
    for m in _CN_AMOUNT_RE.finditer(text):
        v = _cn_amount(m.group("n"), m.group("d"))
        if v and not any(a < m.end() and m.start() < b for a, b, _ in subs):
            subs.append((m.start(), m.end(), v))
            rules["cn_number"] += 1
    if subs:
        text, offs = _replace(text, offs, subs)

    # Width, punctuation, spaces and 繁体, character by character.
    text, offs, trad = _chars(text, offs, rules)
    if trad:
        rules["traditional"] += trad
    out = _full_width_punct(text, rules)
    n_cjk = (len(_CJK_RE.findall(out)) or 1) if trad else 1
    return Normalized(
        text=out, offsets=offs, raw_len=len(raw), rules=rules, traditional=trad / n_cjk > 0.02
    )
