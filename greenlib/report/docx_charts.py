"""Charts as PNG pictures for the Word version: Vega-Lite specs drawn by vl-convert.

The reports' charts are Vega-Lite specs that the browser draws; Word needs pictures, so
:func:`chart_png` draws each spec offline (a spec that loads data from a URL fails rather
than fetching it), with the fonts of the system plus any folders named in
``GREENPLAN_FONT_DIRS``; :func:`cjk_renders` checks that those fonts draw Chinese.

Drawing is slow: 0.3–1.2 s a chart, almost all of it vl-convert 1.9 reaching the CJK font
(its font database opens and maps the 20 MB .ttc file anew for every glyph it measures or
draws, thousands of times per chart), not the picture's size (scale 1 and 2 take the same
time). That cost is vl-convert's; what the build can avoid is drawing the same spec twice,
so a build passes a cache folder: a PNG is stored under a hash of the spec, the scale, the
vl-convert version and the font files, and a later report or rebuild showing the same
chart reads it back (:func:`prune_chart_cache` drops the PNGs no build used for a while).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import GreenlibError

# --------------------------------------------------------------------------- charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@functools.cache
def _register_fonts() -> None:
    """Extra font folders for vl-convert (``GREENPLAN_FONT_DIRS``, separated by ``:``).

    vl-convert already reads the system's fonts (fonts-noto-cjk under /usr/share/fonts);
    this is for machines where the CJK font lives elsewhere.
    """
    import vl_convert as vlc

    for d in os.environ.get("GREENPLAN_FONT_DIRS", "").split(os.pathsep):
        if d and Path(d).is_dir():
            vlc.register_font_directory(str(Path(d).resolve()))


def _vl_version(spec: dict[str, Any]) -> str | None:
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if not m:
        return None
    import vl_convert as vlc

    v = f"{m.group(1)}.{m.group(2)}"
    return v if v in vlc.get_vegalite_versions() else None


def chart_png(spec: dict[str, Any], scale: float = 2, cache: Path | None = None) -> bytes:
    """A Vega-Lite spec drawn as PNG by vl-convert, without network access (a spec that
    loads data from a URL fails instead of fetching it).

    With ``cache`` (a folder), a spec drawn before at this scale, by this vl-convert with
    these fonts, is read back instead of drawn; a failure is never cached.
    """
    path = cache / f"{_chart_key(spec, scale)}.png" if cache is not None else None
    if path is not None:
        try:
            png = path.read_bytes()
        except OSError:
            png = b""
        if png[:8] == PNG_SIGNATURE:
            os.utime(path)  # used now: pruning keeps it
            return png
    png = _draw(spec, scale)
    if path is not None:
        _write_atomic(path, png)
    return png


def _draw(spec: dict[str, Any], scale: float) -> bytes:
    import vl_convert as vlc

    _register_fonts()
    try:
        return vlc.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale,
                                   allowed_base_urls=[])
    except ValueError as e:
        title = spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        raise GreenlibError(f"chart {title or ''!s} could not be drawn: {e}") from e


#: where vl-convert (fontdb) finds the system's fonts on Linux and macOS, plus ours
_SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts",
                     "~/.local/share/fonts", "/Library/Fonts", "/System/Library/Fonts",
                     "~/Library/Fonts")


@functools.cache
def _fonts_fingerprint() -> str:
    """Hash of the font files vl-convert can use (path, size, mtime): installing a CJK
    font later must not leave charts drawn without it (boxes) in the cache."""
    dirs = [*_SYSTEM_FONT_DIRS, *os.environ.get("GREENPLAN_FONT_DIRS", "").split(os.pathsep)]
    h = hashlib.sha256()
    for d in sorted({str(Path(d).expanduser()) for d in dirs if d}):
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for f in sorted(files):
                try:
                    st = os.stat(os.path.join(root, f))
                except OSError:
                    continue
                h.update(f"{root}/{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _chart_key(spec: dict[str, Any], scale: float) -> str:
    import vl_convert as vlc

    text = json.dumps({"spec": spec, "scale": scale, "vl_convert": vlc.__version__,
                       "fonts": _fonts_fingerprint()},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _write_atomic(path: Path, data: bytes) -> None:
    """Two workers may draw the same chart at once: each writes its own temporary file
    and renames it, so a reader never sees half a PNG. A cache that cannot be written
    (read-only, disk full) only costs speed."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def prune_chart_cache(cache: Path, max_age_days: float = 14) -> int:
    """Delete cached PNGs not used for ``max_age_days`` (and stray temporary files);
    how many were deleted."""
    if not cache.is_dir():
        return 0
    cutoff = time.time() - max_age_days * 86400
    n = 0
    for f in cache.iterdir():
        try:
            if f.suffix in (".png", ".tmp") and f.stat().st_mtime < cutoff:
                f.unlink()
                n += 1
        except OSError:
            continue
    return n


@functools.cache
def cjk_renders(font: str = "Noto Sans CJK SC") -> bool:
    """True if vl-convert draws Chinese characters: two different characters must give
    two different images (a missing font draws both as the same box, or as nothing)."""

    def one(ch: str) -> bytes:
        return chart_png({"data": {"values": [{"t": ch}]}, "mark": {"type": "text", "font": font,
                          "fontSize": 40}, "encoding": {"text": {"field": "t"}},
                          "width": 60, "height": 60}, scale=1)

    return one("一") != one("龍")


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != PNG_SIGNATURE:
        raise GreenlibError("not a PNG image")
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)
