"""Open data: both plans' site/data/ is a Frictionless Data Package that `frictionless
validate` accepts (types, primary and foreign keys checked on the real data), the zip is the
same bytes on every build, and the plan's index links it as 下载全部数据."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from greenlib.report import build, opendata, site
from tests.paths import DISTRICT, MUNICIPAL

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def _validate(package: Path) -> dict:
    if not FRICTIONLESS.exists():
        pytest.skip("frictionless is not installed: run make setup (it is a [dev] tool)")
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", package.name],
                          cwd=package.parent, capture_output=True, text=True, timeout=300,
                          check=False)
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def sites(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for plan, data in ((DISTRICT, built_data), (MUNICIPAL, MUNICIPAL.build().data)):
        site_dir = tmp_path_factory.mktemp(plan.id) / "site"
        opendata.write_open_data(data, site_dir, plan.id)
        out[plan.id] = site_dir / opendata.DATA_DIR
    return out


@pytest.mark.parametrize("plan", [DISTRICT.id, MUNICIPAL.id])
def test_frictionless_validates_each_plans_package(sites: dict[str, Path], plan: str) -> None:
    report = _validate(sites[plan] / opendata.PACKAGE)
    errors = [e["message"] for t in report["tasks"] for e in t["errors"]]
    assert report["valid"], errors[:5]
    pkg = json.loads((sites[plan] / opendata.PACKAGE).read_text(encoding="utf-8"))
    names = {r["name"]: r for r in pkg["resources"]}
    assert {"tasks", "task-units", "units", "targets", "status", "task-status"} <= set(names)
    assert names["tasks"]["title"] == "重点任务" and "任务" in names["tasks"]["description"]
    fields = {f["name"]: f for f in names["tasks"]["schema"]["fields"]}
    assert fields["task_id"]["type"] == "integer" and fields["task_id"]["title"] == "任务编号"
    assert names["task-units"]["schema"]["primaryKey"] == ["task_id", "unit"]
    refs = {(tuple(fk["fields"]), fk["reference"]["resource"])
            for fk in names["task-units"]["schema"]["foreignKeys"]}
    assert refs == {(("task_id",), "tasks"), (("unit",), "units")}
    assert {fk["reference"]["resource"] for fk in names["status"]["schema"]["foreignKeys"]} == {
        "targets"}


def test_a_broken_foreign_key_is_caught(sites: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(sites[DISTRICT.id], bad)
    lines = (bad / "task_units.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = "999," + lines[1].split(",", 1)[1]  # a task that does not exist
    (bad / "task_units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _validate(bad / opendata.PACKAGE)
    assert not report["valid"]
    assert any("foreign key" in e["message"] and "999" in e["message"]
               for t in report["tasks"] for e in t["errors"])


def test_the_zip_holds_everything_and_is_reproducible(built_data: Path, tmp_path: Path) -> None:
    one = opendata.write_open_data(built_data, tmp_path / "a", DISTRICT.id)
    two = opendata.write_open_data(built_data, tmp_path / "b", DISTRICT.id)
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as z:
        names = z.namelist()
        assert names == sorted(names) and opendata.PACKAGE in names
        assert set(opendata.csv_files(built_data)) <= set(names)
        assert z.read("tasks.csv") == (built_data / "tasks.csv").read_bytes()
        assert {i.date_time for i in z.infolist()} == {
            (*map(int, json.loads((built_data / "plan.json").read_text())["as_of"].split("-")),
             0, 0, 0)}


def test_the_plan_index_links_download_all(built_data: Path, tmp_path: Path) -> None:
    paths = build.Paths(params=DISTRICT.params, data=built_data, root=tmp_path / DISTRICT.id)
    reports, _ = build.load_reports(paths)
    build._write_open_data(paths)
    site.write_plan_index(paths, reports, {}, pdf=False, rebuilt=True, full=True)
    index = (paths.site / "index.html").read_text(encoding="utf-8")
    zip_href = f"data/{opendata.zip_name(DISTRICT.id)}"
    assert f'<a href="{zip_href}" download>下载全部数据</a>' in index
    assert (paths.site / zip_href).exists()
