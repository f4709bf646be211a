"""The report notebooks: .ipynb and py:percent pairs in sync, committed without outputs,
with a tagged parameters cell that knows every parameter the params files set."""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from greenlib import config

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("*.ipynb"))
PARAMS = sorted(config.PLANS.glob("*/params/*.yaml"))


def _sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def _parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell must be tagged `parameters`"
    return cells[0]


def test_there_are_report_notebooks() -> None:
    assert {p.stem for p in NOTEBOOKS} >= {"sector", "overview"}


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_pair_in_sync(ipynb: Path) -> None:
    py = ipynb.with_suffix(".py")
    assert py.exists(), f"{ipynb.name} has no paired {py.name} (jupytext --set-formats ipynb,py:percent)"
    nb = jupytext.read(ipynb)
    text = jupytext.read(py)
    assert _sources(nb) == _sources(text), (
        f"{ipynb.name} and {py.name} differ: run `jupytext --sync {py}`")
    formats = nb.metadata.get("jupytext", {}).get("formats", "")
    assert "ipynb" in formats and "py:percent" in formats


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stripped(ipynb: Path) -> None:
    nb = nbformat.read(ipynb, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{ipynb.name} cell {i} has outputs: run nbstripout"
            assert cell.execution_count is None, f"{ipynb.name} cell {i} has an execution count"


@pytest.mark.parametrize("params_file", PARAMS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_params_match_notebook(params_file: Path) -> None:
    """Every parameter a params file sets is defined in its notebook's parameters cell
    (papermill would only warn about a misspelt one)."""
    doc = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    nb = nbformat.read(config.NOTEBOOKS / f"{doc['notebook']}.ipynb", as_version=4)
    tree = ast.parse(_parameters_cell(nb).source)
    defined = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
               if isinstance(t, ast.Name)}
    unknown = set(doc.get("parameters") or {}) - defined
    assert not unknown, f"{params_file.name}: {sorted(unknown)} not in the parameters cell"
    assert "data_dir" in defined


def test_default_reports_exist() -> None:
    district = config.PLANS / "qianjiang-2022-24" / "params"
    assert {p.stem for p in district.glob("*.yaml")} >= {
        "overview", "industry", "agriculture", "logistics", "finance"}
    # every plan has at least its overview
    for plan in config.PLANS.glob("*/plan.yaml"):
        assert (plan.parent / "params" / "overview.yaml").exists(), plan.parent.name
