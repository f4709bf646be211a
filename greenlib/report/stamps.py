"""What the build and the site pages both know of a built plan: the marker of a published
site, the folder of the department pages, and each report's build stamp.

Its own small module so that the plan's index (:mod:`.site`) and publishing read them without
importing the build (:mod:`.build`), which writes the index: no import circle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Name of the file that marks a folder as a published greenplan site (publish only
#: ever replaces folders carrying it).
SITE_MARKER = ".greenplan-site"
#: Folder of the site that holds the per-unit pages (``for_each: unit``).
UNIT_DIR = "units"


def stamp_path(paths: Any, name: str) -> Path:
    """A report's stamp file (``paths``: a :class:`greenlib.report.build.Paths`)."""
    return paths.stamps / f"{name}.json"


def read_stamp(paths: Any, name: str) -> dict[str, Any] | None:
    """A report's last build record (key, ok, error …), or None when it was never built."""
    try:
        return json.loads(stamp_path(paths, name).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
