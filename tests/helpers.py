"""Shared pieces of the report tests: the system-tool check and a tiny report set that builds
in seconds (a parameterised notebook and two params files over a copy of the built data)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from greenlib.report import build

TINY = [
    new_code_cell("word = 'hello'\nfail = False", metadata={"tags": ["parameters"]}),
    new_markdown_cell("## 一、小报告"),
    new_code_cell(
        "from IPython.display import HTML, display\n"
        "if fail:\n    raise ValueError('deliberate failure')\n"
        "display(HTML(f'<p class=\"word\">{word}</p>'))\n"
        "display({'text/html': '<b>摘要</b>',\n"
        "         'application/vnd.greenplan.summary+json': {'n_tasks': 7, 'sector_name': '测试'}},\n"
        "        raw=True)"),
]


def need(ok: object, what: str) -> None:
    """Skip when a system tool is missing — but fail in CI, where `make sysdeps` installs it."""
    if ok:
        return
    msg = f"{what} is not installed: run `make sysdeps`"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def write_tiny_notebook(folder: Path) -> Path:
    """``folder/tiny.ipynb`` made of :data:`TINY` (``folder`` is created)."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=TINY)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def tiny_report_set(tmp_path: Path, built_data: Path) -> build.Paths:
    """Two tiny reports (alpha 甲, beta 乙) over a copy of ``built_data``, all under ``tmp_path``."""
    nbdir = tmp_path / "notebooks"
    write_tiny_notebook(nbdir)
    params = tmp_path / "params"
    params.mkdir()
    for name, word in (("alpha", "甲"), ("beta", "乙")):
        (params / f"{name}.yaml").write_text(
            f"notebook: tiny\ntitle: 报告{word}\nparameters:\n  word: {word}\n", encoding="utf-8")
    data = tmp_path / "plan" / "data"
    shutil.copytree(built_data, data)
    return build.Paths(params=params, data=data, root=tmp_path / "plan", notebooks=nbdir)
