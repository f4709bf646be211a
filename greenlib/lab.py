"""``make lab``: the JupyterLab configuration of the project (written by tools/lab.sh).

The file browser is rooted at the repository, so plans/ and build/ are reachable, and
JupyterLab opens on notebooks/. Each report notebook is a jupytext pair (``X.ipynb`` +
``X.py``); the ``.py`` twins are hidden from the file browser (``ContentsManager.hide_globs``
matches file names), so each report shows once. Jupytext's contents manager (installed with
jupytext) keeps the twin in step whenever the notebook is saved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import config

#: jupyter_server's own hidden files (its default ``hide_globs``), kept.
DEFAULT_HIDDEN = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~"]


def twins(notebooks: Path | None = None) -> list[str]:
    """File names of the ``.py`` halves of the jupytext pairs in notebooks/."""
    folder = notebooks or config.NOTEBOOKS
    return sorted(p.name for p in folder.glob("*.py") if p.with_suffix(".ipynb").exists())


def lab_config(root: Path | None = None) -> dict[str, Any]:
    """The settings ``jupyter lab --config=…`` reads."""
    root = (root or config.ROOT).resolve()
    return {
        "ServerApp": {"root_dir": str(root)},
        "LabApp": {"default_url": "/lab/tree/notebooks"},
        "ContentsManager": {"hide_globs": [*DEFAULT_HIDDEN, *twins(root / "notebooks")]},
    }


def write(path: Path, root: Path | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(lab_config(root), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else config.BUILD / "jupyter_lab_config.json"))
