"""``make report`` / ``make publish``: params files, incremental stamps, failures that keep
the good report, and atomic publishing. Uses a tiny notebook so each build takes seconds."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest

from greenlib.errors import GreenlibError
from greenlib.report import build, site
from greenlib.report.publish import publish
from tests.helpers import tiny_report_set
from tests.paths import DISTRICT


@pytest.fixture
def paths(tmp_path: Path, built_data: Path) -> build.Paths:
    return tiny_report_set(tmp_path, built_data)


def _run(paths: build.Paths, **kw: object) -> int:
    return build.run_reports(paths, jobs=2, pdf=False, **kw)  # type: ignore[arg-type]


def test_default_params_are_valid() -> None:
    reports, problems = build.load_reports(build.Paths.for_plan(DISTRICT))
    assert not problems
    assert {r.name for r in reports} >= {"overview", "industry", "agriculture", "logistics",
                                          "finance"}
    assert all(r.notebook.exists() and r.title for r in reports)


@pytest.mark.parametrize("text, message", [
    ("notebook: nope\n", "nope.ipynb 不存在"),
    ("title: x\n", "缺少字段 notebook"),
    ("notebook: tiny\nparameters: [1, 2]\n", "parameters 应为映射"),
    ("notebook: tiny\nparamters: {}\n", "未知的键"),
    ("notebook: [unclosed\n", "不是有效的 YAML"),
    ("notebook: tiny\nparameters:\n  wrod: x\n", "parameters.wrod 不是 tiny.ipynb 的参数"),
    ("notebook: tiny\nparameters:\n  word: [1]\n", "parameters.word 应为文字"),
    ("notebook: tiny\nparameters:\n  data_dir: /tmp\n", "由构建程序自动设置"),
])
def test_bad_params_files_are_named(paths: build.Paths, text: str, message: str) -> None:
    (paths.params / "bad.yaml").write_text(text, encoding="utf-8")
    reports, problems = build.load_reports(paths)
    assert {r.name for r in reports} == {"alpha", "beta"}  # the others still build
    assert message in problems["bad"] and "bad.yaml" in problems["bad"]


def test_two_params_files_with_one_name_are_refused(paths: build.Paths) -> None:
    (paths.params / "alpha.yml").write_text("notebook: tiny\n", encoding="utf-8")
    _, problems = build.load_reports(paths)
    assert "重复" in problems["alpha"]


def test_a_bad_params_file_fails_only_itself(paths: build.Paths,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    (paths.params / "bad.yaml").write_text("notebook: tiny\nparameters:\n  secter: x\n",
                                           encoding="utf-8")
    assert _run(paths) == 1
    out = capfd.readouterr().out
    assert "✘ bad: 报告定义有误" in out and "secter" in out and "✔ alpha: done" in out
    assert (paths.site / "alpha.html").exists() and not (paths.site / "bad.html").exists()


def test_tree_hash_follows_content_not_time(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    h1 = build.tree_hash(tmp_path)
    time.sleep(0.01)
    (tmp_path / "a.csv").write_text("x\n1\n")  # rewritten, same bytes
    assert build.tree_hash(tmp_path) == h1
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert build.tree_hash(tmp_path) != h1


def test_build_incremental_failure_and_publish(paths: build.Paths, tmp_path: Path,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    # 1. first build: both reports, the index, the stamps
    assert _run(paths) == 0
    out = capfd.readouterr().out
    assert "▶ alpha: started" in out and "✔ beta: done in" in out
    alpha = paths.site / "alpha.html"
    html = alpha.read_text(encoding="utf-8")
    assert "甲" in html and "word = " not in html  # parameter injected, code hidden
    index = (paths.site / "index.html").read_text(encoding="utf-8")
    assert 'href="alpha.html"' in index and "报告乙" in index and ">7<" in index
    assert build.data_version(paths.data) in index

    # 2. nothing changed: no rebuild, fast
    t0 = time.perf_counter()
    assert _run(paths) == 0
    assert time.perf_counter() - t0 < 3
    out = capfd.readouterr().out
    assert "alpha: up to date" in out and "beta: up to date" in out and "▶" not in out
    assert "0 of 2 rebuilt, 2 unchanged" in out  # what the office reads at the end

    # 3. a params change rebuilds that report only
    (paths.params / "beta.yaml").write_text(
        "notebook: tiny\ntitle: 报告乙\nparameters:\n  word: 乙二\n", encoding="utf-8")
    assert _run(paths) == 0
    out = capfd.readouterr().out
    assert "alpha: up to date" in out and "▶ beta: started" in out
    assert "1 of 2 rebuilt, 1 unchanged" in out

    # 4. data change rebuilds everything (content hash of build/data)
    with open(paths.data / "tasks.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    assert _run(paths, only=["alpha"]) == 0
    assert "▶ alpha: started" in capfd.readouterr().out

    # 5. publish a good build; publishing again swaps atomically
    site.write_site_index(tmp_path)
    dest = tmp_path.parent / f"{tmp_path.name}-www" / "greenplan"
    publish(dest, [paths], tmp_path)
    pub = dest / "plan" / "site"
    assert (pub / "alpha.html").read_text(encoding="utf-8") == alpha.read_text(encoding="utf-8")
    assert (dest / build.SITE_MARKER).exists() and (dest / "index.html").exists()
    assert 'href="plan/site/index.html"' in (dest / "index.html").read_text(encoding="utf-8")
    # the search page, its script, each plan's index and open data, and the guide go along
    for f in ("search.html", "search.js", site.GUIDE_PAGE, "plan/site/search-index.js",
              "plan/site/data/datapackage.json", "plan/site/data/plan-data.zip"):
        assert (dest / f).is_file(), f
    publish(dest, [paths], tmp_path)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["greenplan"]  # no tmp left

    # 6. a failing report: others go on, exit 1 naming it, old HTML kept, notebook kept
    good_beta = (paths.site / "beta.html").read_bytes()
    (paths.params / "beta.yaml").write_text(
        "notebook: tiny\ntitle: 报告乙\nparameters:\n  word: 乙三\n  fail: true\n",
        encoding="utf-8")
    assert _run(paths, force=True) == 1
    out = capfd.readouterr().out
    assert "✘ beta: FAILED" in out and "deliberate failure" in out
    assert "FAILED for: beta" in out and "✔ alpha: done" in out
    assert (paths.site / "beta.html").read_bytes() == good_beta
    executed = nbformat.read(paths.executed / "beta.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells for o in c.get("outputs", []))
    assert "本次构建失败" in (paths.site / "index.html").read_text(encoding="utf-8")

    # 7. publishing is refused while a report is failed; the published site is untouched
    before = (pub / "beta.html").read_bytes()
    with pytest.raises(GreenlibError, match="beta"):
        publish(dest, [paths], tmp_path)
    assert (pub / "beta.html").read_bytes() == before


def test_publish_refuses_foreign_or_missing(paths: build.Paths, tmp_path: Path) -> None:
    with pytest.raises(GreenlibError, match="make report"):
        publish(tmp_path.parent / f"{tmp_path.name}-dest", [paths], tmp_path)
    # a fake good build, without running a kernel
    paths.site.mkdir(parents=True)
    reports, _ = build.load_reports(paths)
    for r in reports:
        (paths.site / f"{r.name}.html").write_text("<html></html>", encoding="utf-8")
        build.write_json(build._stamp_path(paths, r.name), {"ok": True, "key": "k"})
    (paths.site / "index.html").write_text("<html></html>", encoding="utf-8")
    (paths.site / build.SITE_MARKER).write_text("x", encoding="utf-8")
    build.write_json(paths.cache / "last_build.json", {"failed": {}})
    site.write_site_index(tmp_path)

    outside = tmp_path.parent / f"{tmp_path.name}-out"
    foreign = outside / "home"
    foreign.mkdir(parents=True)
    (foreign / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(GreenlibError, match="不是 greenplan 发布的站点"):
        publish(foreign, [paths], tmp_path)
    assert (foreign / "thesis.docx").read_text(encoding="utf-8") == "precious"
    with pytest.raises(GreenlibError, match="重叠"):
        publish(paths.site / "sub", [paths], tmp_path)

    empty = outside / "empty"
    empty.mkdir()
    publish(empty, [paths], tmp_path)
    assert (empty / "plan" / "site" / "alpha.html").exists()


def test_unknown_report_and_missing_data(paths: build.Paths) -> None:
    with pytest.raises(GreenlibError, match="没有这些报告"):
        _run(paths, only=["gamma"])
    shutil.rmtree(paths.data)
    with pytest.raises(GreenlibError, match="make data"):
        _run(paths)


def test_plan_paths_are_per_plan() -> None:
    p = build.Paths.for_plan(DISTRICT)
    assert p.site == p.root / "site" and p.root.name == DISTRICT.id
    assert p.params == DISTRICT.folder / "params" and p.data == p.root / "data"
    dated = build.Paths.for_plan(DISTRICT, "2023-12-31")
    assert dated.root == p.root / "asof" / "2023-12-31"
