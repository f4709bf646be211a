"""Charts as PNG pictures for the Word version: Vega-Lite specs drawn by vl-convert.

The reports' charts are Vega-Lite specs that the browser draws; Word needs pictures, so
:func:`chart_png` draws each spec offline (a spec that loads data from a URL fails rather
than fetching it), with the fonts of the system plus any folders named in
``GREENPLAN_FONT_DIRS``; :func:`cjk_renders` checks that those fonts draw Chinese.
"""

from __future__ import annotations

import functools
import os
import re
import struct
from pathlib import Path
from typing import Any

from ..errors import GreenlibError

# --------------------------------------------------------------------------- charts


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


def chart_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    """A Vega-Lite spec drawn as PNG by vl-convert, without network access (a spec that
    loads data from a URL fails instead of fetching it)."""
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
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise GreenlibError("not a PNG image")
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)
