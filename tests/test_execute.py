"""Executing a notebook writes the executed notebook once, and keeps it when the run fails
(a raising cell, a kernel that dies) so that a failed report can be debugged."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from greenlib import execute


def _notebook(path: Path, *sources: str) -> Path:
    params = nbformat.v4.new_code_cell("n = 1")
    params.metadata["tags"] = ["parameters"]
    cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path papermill or the engine writes a notebook to."""
    seen: list[str] = []
    real = papermill.iorw.write_ipynb

    def counting(nb, path, *a, **k):  # type: ignore[no-untyped-def]
        seen.append(str(path))
        return real(nb, path, *a, **k)

    for mod in (papermill.execute, papermill.engines, execute):
        monkeypatch.setattr(mod, "write_ipynb", counting)
    return seen


def test_success_writes_the_notebook_once(tmp_path: Path, writes: list[str]) -> None:
    src = _notebook(tmp_path / "in.ipynb", "print(n * 2)", "m = n + 1", "print(m)", "print('done')")
    out = tmp_path / "out.ipynb"
    nb = execute.run_notebook(src, out, {"n": 20}, cwd=tmp_path, timeout=60)
    assert writes == [str(out)]
    texts = [o.get("text", "") for c in nbformat.read(str(out), as_version=4).cells
             for o in c.get("outputs", [])]
    assert texts == ["40\n", "21\n", "done\n"]
    assert nb.cells[-1].outputs[0].text == "done\n"


def test_failing_cell_keeps_the_executed_notebook(tmp_path: Path, writes: list[str]) -> None:
    src = _notebook(tmp_path / "in.ipynb", "print('before')", "raise ValueError('boom')", "print('never')")
    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError, match="boom"):
        execute.run_notebook(src, out, {}, cwd=tmp_path, timeout=60)
    text = out.read_text(encoding="utf-8")
    assert "before" in text and "ValueError" in text and "never\\n\"" not in text
    assert writes == [str(out)]


def test_dead_kernel_keeps_what_ran(tmp_path: Path) -> None:
    src = _notebook(tmp_path / "in.ipynb", "print('first cell ran')", "import os; os._exit(1)")
    out = tmp_path / "out.ipynb"
    with pytest.raises(Exception):  # noqa: B017 (nbclient's DeadKernelError, whatever its base)
        execute.run_notebook(src, out, {}, cwd=tmp_path, timeout=60)
    assert "first cell ran" in out.read_text(encoding="utf-8")
