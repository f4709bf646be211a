"""Warm kernels (and the measured-only ``reuse`` mode) give a report exactly the outputs a
cold kernel gives: two different reports run one after the other in one worker's pool are
compared, output by output, with runs in fresh kernels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from greenlib.report import build, execute, kernels, render
from tests.paths import DISTRICT

REPORTS = ("industry", "overview")  # a sector report, then the whole-plan report


@pytest.fixture(scope="module")
def data_dir(built_data: Path) -> Path:
    return built_data


def _outputs(nb) -> list[str]:  # type: ignore[no-untyped-def]
    """What the reader sees, per output; chart element ids are random and made neutral."""
    seen = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {"text": out.get("text", "")}
            for mime in sorted(data):
                text = str(data[mime])
                seen.append(mime + ":" + re.sub(r"gp-vis-[0-9a-f]{12}", "gp-vis-ID", text))
    return seen


def _run_all(tmp: Path, data_dir: Path, pool: kernels.KernelPool | None) -> dict[str, list[str]]:
    reports = {r.name: r for r in build.load_reports(build.Paths.for_plan(DISTRICT))[0]}
    got = {}
    for i, name in enumerate(REPORTS):
        r = reports[name]
        params = {**r.parameters, "data_dir": str(data_dir)}
        km = pool.acquire(r.notebook.parent) if pool else None
        try:
            nb = execute.run_notebook(r.notebook, tmp / f"{name}.ipynb", params,
                                      cwd=r.notebook.parent, timeout=600, km=km)
        finally:
            if pool:
                pool.release(r.notebook.parent if i + 1 < len(REPORTS) else None)
        got[name] = _outputs(nb)
    return got


@pytest.fixture(scope="module")
def fresh(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return _run_all(tmp_path_factory.mktemp("fresh"), data_dir, None)


@pytest.mark.parametrize("mode", ["fresh", "reuse"])
def test_pooled_kernels_give_the_outputs_of_cold_kernels(
        mode: str, fresh: dict[str, list[str]], data_dir: Path, tmp_path: Path) -> None:
    pool = kernels.KernelPool(mode)
    try:
        pooled = _run_all(tmp_path, data_dir, pool)
    finally:
        pool.close()
    for name in REPORTS:
        assert len(pooled[name]) == len(fresh[name]) > 5
        # build kernels, cold or warm, leave the Vega bundle to the HTML export
        assert pooled[name][0] == fresh[name][0] == "text/html:" + render.PLACEHOLDER
        assert pooled[name] == fresh[name], name
    assert not pool.folder.exists()  # sockets removed


def test_fresh_mode_never_hands_out_a_used_kernel(data_dir: Path, tmp_path: Path) -> None:
    pool = kernels.KernelPool("fresh")
    try:
        first = pool.acquire(tmp_path)
        pool.release(tmp_path)
        second = pool.acquire(tmp_path)
        assert second is not first
        assert not first.has_kernel  # the used kernel was shut down
        pool.release(None)
    finally:
        pool.close()
