"""Shared pieces of the report tests: the system-tool check and a tiny report set that builds
in seconds (a parameterised notebook and two params files over a copy of the built data)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pandas as pd
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


# --------------------------------------------------------------------------- returns and bombs


def run_with(built_data: Path, tmp: Path, progress_dir: Path, as_of: str | None = None) -> Path:
    """The monitor stage on a copy of the district's clean tables, reading ``progress_dir``."""
    from greenlib import contract
    from greenlib.monitor import run as monitor
    from tests.paths import DISTRICT

    data = tmp / "data"
    data.mkdir(exist_ok=True)
    for name in contract.CLEAN_FILES:
        if (built_data / name).exists():
            shutil.copy(built_data / name, data / name)
    monitor.run(DISTRICT, data, as_of=as_of, log=lambda *_: None, progress=progress_dir)
    return data


def read(data: Path, name: str) -> pd.DataFrame:
    """A contract file as the tests compare it (empty cells as NaN, no other NA words)."""
    return pd.read_csv(data / name, keep_default_na=False, na_values=[""])


def district_requests(built_data: Path, out: Path, as_of: str) -> Path:
    """The district plan's request workbooks as of ``as_of``, written into ``out``."""
    from greenlib.monitor import requests as rq
    from tests.paths import DISTRICT

    inputs = rq.load_inputs(built_data, DISTRICT.indicator_owners)
    rq.write_requests(inputs, out, plan_id=DISTRICT.id, plan_title=DISTRICT.title,
                      period=(2022, 2025), as_of=as_of, base_year=2020, cycle_days=183,
                      log=lambda *_: None)
    return out


def bounded(fn, seconds: float = 30, megabytes: float = 150):  # type: ignore[no-untyped-def]
    """Run ``fn``; assert it took under ``seconds`` and allocated under ``megabytes`` at peak
    (generous bounds: a bomb takes minutes and gigabytes when it is not refused)."""
    import time
    import tracemalloc

    tracemalloc.start()
    t0 = time.monotonic()
    try:
        out = fn()
        took = time.monotonic() - t0
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    assert took < seconds, f"took {took:.1f} s"
    assert peak < megabytes, f"peak {peak:.0f} MB"
    return out
