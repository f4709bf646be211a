"""The default report set of the district plan covers every sector that has quantitative targets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from greenlib import contract
from greenlib.report import build
from tests.paths import DISTRICT


def test_every_sector_with_targets_has_a_report(built_data: Path, tmp_path: Path) -> None:
    targets = pd.read_csv(built_data / contract.TARGETS)
    with_targets = set(targets["sector"].dropna()) - {"overall"}
    assert len(with_targets) >= 5  # the district's targets span many sectors
    reports, bad = build.load_reports(build.Paths(params=DISTRICT.params, data=built_data,
                                                  root=tmp_path))
    assert bad == {}
    covered = {r.parameters.get("sector") for r in reports if r.notebook.stem == "sector"}
    missing = sorted(with_targets - covered)
    assert not missing, f"sectors with targets but no report in {DISTRICT.params}: {missing}"
    assert any(r.notebook.stem == "overview" for r in reports)


def test_the_municipal_plan_has_a_report_for_every_sector_with_targets(built_data: Path,
                                                                       tmp_path: Path) -> None:
    from tests.paths import MUNICIPAL

    data = MUNICIPAL.build().data  # built by the built_data fixture (the district's parent)
    targets = pd.read_csv(data / contract.TARGETS)
    with_targets = set(targets["sector"].dropna()) - {"overall"}
    assert with_targets >= {"industry", "energy", "environment"}
    reports, bad = build.load_reports(build.Paths(params=MUNICIPAL.params, data=data, root=tmp_path))
    assert bad == {}
    covered = {r.parameters.get("sector") for r in reports if r.notebook.stem == "sector"}
    assert with_targets <= covered
