"""Shared fixtures: the district plan (the default plan), cleaned once per session."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from greenlib import config
from greenlib import plan as plan_mod
from greenlib.clean.ingest import normalize, read_plan
from greenlib.clean.pipeline import clean_document
from greenlib.clean.units import Registry

FIXTURES = Path(__file__).parent / "fixtures"

# The tests never write into the user's build/: every plan's build folder is a temporary one.
config.BUILD = Path(tempfile.mkdtemp(prefix="greenplan-test-build-"))
#: The plan the hand-checked fixtures (annex_truth.csv, targets_truth.csv) were made for.
DISTRICT = "qianjiang-2022-24"
MUNICIPAL = "chongqing-2021-31"


@pytest.fixture(scope="session")
def district():
    return plan_mod.load(DISTRICT)


@pytest.fixture(scope="session")
def raw_text(district) -> str:
    return district.raw.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def norm(raw_text):
    return normalize(raw_text)


@pytest.fixture(scope="session")
def registry(district) -> Registry:
    return Registry.load(district.units_registry)


@pytest.fixture(scope="session")
def cleaned(district):
    """The whole plan cleaned in memory (its reference data and corrections applied)."""
    return clean_document(read_plan(district.raw), plan=district)


@pytest.fixture(scope="session")
def built_data(tmp_path_factory, district):
    """The district plan's data folder (clean + monitor stages) written to a temporary folder."""
    from greenlib.clean import pipeline
    from greenlib.monitor import run as monitor

    # the parent plan's targets first: the district plan's alignment reads them
    parent = plan_mod.load(district.parent)
    pipeline.run(parent, parent.build().data, log=lambda *_: None)
    monitor.run(parent, parent.build().data, log=lambda *_: None)
    out = tmp_path_factory.mktemp("data")
    pipeline.run(district, out, log=lambda *_: None)
    monitor.run(district, out, log=lambda *_: None)
    return out


def pytest_report_header(config) -> list[str]:
    """The browser build in the test log: print checks must hold across Chromium builds, and the
    log says which one a run used."""
    from greenlib.report import render

    return [f"chromium: {render.chromium_version() or 'not found'} ({render.chromium_path() or '-'})"]


#: The real reports the site tests build once (search, accessibility): an index page, the
#: overview, a sector report, a department page and the assessment.
SITE_PAGES = ["overview", "industry", "assessment", "units/区经济信息委"]


@pytest.fixture(scope="session")
def built_site(built_data, tmp_path_factory, district):
    """build/ with the district plan's site (the reports of SITE_PAGES, no PDF or Word), its
    index, build/index.html, the search page and the users' guide."""
    import shutil

    from greenlib.report import build, render, site
    from tests.helpers import need

    need(render.chromium_path(), "Chromium")
    root = tmp_path_factory.mktemp("build")
    data = root / district.id / "data"
    shutil.copytree(built_data, data)
    paths = build.Paths(params=district.params, data=data, root=root / district.id)
    assert build.run_reports(paths, jobs=1, only=SITE_PAGES, pdf=False, docx=False) == 0
    site.write_site_index(root)
    return root


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A private copy of plans/ and an empty build folder, used by the command line."""
    plans = tmp_path / "plans"
    shutil.copytree(config.PLANS, plans, ignore=shutil.ignore_patterns("progress"))
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    monkeypatch.setattr(config, "PLANS", plans)
    monkeypatch.setattr(config, "PLANS_INDEX", plans / "plans.yaml")
    monkeypatch.setattr(config, "BUILD", build_dir)
    monkeypatch.setenv("GREENPLAN_LOCK_TIMEOUT", "0")
    return plans, build_dir
