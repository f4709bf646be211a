"""The Vega bundle of the reports, built once per environment and kept on disk.

``vl_convert.javascript_bundle()`` bundles Vega, Vega-Lite and vega-embed afresh on every
call (about 2.5 s of the ~3 s first cell of a report, in every kernel). The result only
depends on the vl-convert version and on the Vega-Lite version altair speaks, so it is
stored as ``vega-<vl-convert>-<vega-lite>.js`` in :func:`cache_dir` and read back by every
later kernel. A new key (another vl-convert or altair) gives a new file; a file that is
empty or cut short (no end marker) is rebuilt; the file is written atomically, so kernels
building it at the same time never read half of it.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Last line of every cached bundle: a file without it is incomplete and rebuilt.
END_MARKER = "/* greenplan vega bundle end */"


def cache_dir() -> Path:
    """Where bundles live: ``$GREENPLAN_VEGA_CACHE``, else ``<sys.prefix>/share/greenplan``
    (one per environment, survives ``make clean``), else build/.cache when the environment
    is read-only."""
    env = os.environ.get("GREENPLAN_VEGA_CACHE")
    if env:
        return Path(env)
    share = Path(sys.prefix) / "share" / "greenplan"
    try:
        share.mkdir(parents=True, exist_ok=True)
        if os.access(share, os.W_OK):
            return share
    except OSError:
        pass
    from . import config

    return config.BUILD / ".cache"


def cache_key(vl_version: str) -> str:
    """``<vl-convert version>-<Vega-Lite major.minor>``, safe as a file name."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        vlc = version("vl-convert-python")
    except PackageNotFoundError:
        import vl_convert

        vlc = getattr(vl_convert, "__version__", "unknown")
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"{vlc}-{vl_version}")


def _valid(text: str) -> bool:
    return len(text) > 1000 and text.rstrip().endswith(END_MARKER)


def cached_bundle(vl_version: str, make: Callable[[], str], folder: Path | None = None) -> str:
    """The bundle for ``vl_version``: read from disk, or made by ``make()`` and stored.

    Returns the bundle text (vl-convert's output) without the end marker. A cache that cannot be written (a
    read-only disk) only costs time: the bundle is then made on every call.
    """
    folder = folder or cache_dir()
    path = folder / f"vega-{cache_key(vl_version)}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if _valid(text):
            return text.rstrip()[: -len(END_MARKER)].rstrip("\n")
    except (OSError, UnicodeDecodeError):
        pass
    bundle = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(bundle + "\n" + END_MARKER + "\n")
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
    return bundle
