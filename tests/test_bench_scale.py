"""The scaling helpers of ``make bench SCALE=1`` (greenlib/bench/scale.py), at tiny sizes.

No timing is asserted: only that each helper measures what it says it measures."""

from __future__ import annotations

import shutil

import yaml

from greenlib import config
from greenlib import plan as plan_mod
from greenlib.bench import scale as bench_scale
from greenlib.report import build


def test_parse_list():
    assert bench_scale.parse_list("5,50, 200", (1,)) == [5, 50, 200]
    assert bench_scale.parse_list(None, (1, 10)) == [1, 10]
    assert bench_scale.parse_list("", (1,)) == [1]
    assert bench_scale.parse_list("0", (1,)) == []


def test_report_set_is_valid_department_pages(tmp_path, built_data):
    units = bench_scale.units_of(built_data)
    assert len(units) >= 30  # the district has 36 responsible units
    plans = tmp_path / "plans"
    names = bench_scale.write_report_set(plans, "p", 7, units[:3])
    assert names == [f"scale-{i:04d}" for i in range(1, 8)]
    docs = [yaml.safe_load((plans / "p" / "params" / f"{n}.yaml").read_text(encoding="utf-8"))
            for n in names]
    # the units are taken in turn, every report is a department page
    assert [d["parameters"]["unit"] for d in docs] == [*units[:3], *units[:3], units[0]]
    assert {d["notebook"] for d in docs} == {"unit"}
    # and the build accepts every one of them as it is
    paths = build.Paths(params=plans / "p" / "params", data=built_data, root=tmp_path / "b")
    reports, bad = build.load_reports(paths)
    assert bad == {}
    assert sorted(r.name for r in reports) == names


def test_stage_plans_copies_plans_and_built_data(tmp_path, built_data, district):
    # the district's data where the bench expects it (the build folder of the tests)
    dst = config.BUILD / district.id / "data"
    if not dst.exists():
        shutil.copytree(built_data, dst)
    plans, build_dir = bench_scale.stage_plans(tmp_path, district)
    assert (plans / district.id / "plan.yaml").exists()
    assert (plans / "plans.yaml").exists()
    assert (build_dir / district.id / "data" / "tasks.csv").exists()
    assert (build_dir / plan_mod.load(district.parent).id / "data" / "targets.csv").exists()
    # the staged copy is separate: changing it leaves the real plan folder alone
    bench_scale.write_report_set(plans, district.id, 2, ["甲单位"])
    assert len(list((plans / district.id / "params").glob("*.yaml"))) == 2
    assert (district.params / "overview.yaml").exists()


def test_clean_at_small_size_in_fresh_process(tmp_path):
    r = bench_scale.clean_at(1, tmp_path)
    assert r["k"] == 1
    assert r["tasks"] == 97  # the district's annex, once
    assert r["rss_mb"] > 10  # a Python process with pandas: tens of MB at least
    assert r["cpu"] > 0
    assert not (tmp_path / "x1").exists()  # the synthetic text does not stay behind


def test_markdown_lists_every_size_and_count():
    size = {"k": 1.0, "mb": 0.1, "tasks": 97.0, "targets": 27.0, "whole": 2.0, "cpu": 2.0,
            "rss_mb": 100.0, "import": 1.0, "work": 0.5}
    count = {"n": 5.0, "whole": 20.0, "cpu": 30.0, "per_report": 4.0, "cpu_per_report": 6.0,
             "rss_mb": 300.0, "pages": 5.0, "site_mb": 4.0, "noop": 0.4, "noop_cpu": 0.3,
             "execute_per_report": 2.0, "html_per_report": 0.5, "pdf_per_report": 0.0}
    md = bench_scale.markdown([size, {**size, "k": 10.0}], [count, {**count, "n": 50.0}], 1, 2,
                              False)
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert [r.split("|")[1].strip() for r in rows] == ["1", "10", "5", "50"]
    assert "HTML only" in md
