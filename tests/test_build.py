"""``make report`` / ``make publish``: params files, incremental stamps, failures that keep
the good report, and atomic publishing. Uses a tiny notebook so each build takes seconds."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from greenlib import build, config
from greenlib.errors import GreenlibError

FIXTURE = Path(__file__).parent / "fixtures" / "sample_build_data"

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


@pytest.fixture
def paths(tmp_path: Path) -> build.Paths:
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = new_notebook(cells=TINY)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "tiny.ipynb")
    params = tmp_path / "params"
    params.mkdir()
    for name, word in (("alpha", "甲"), ("beta", "乙")):
        (params / f"{name}.yaml").write_text(
            f"notebook: tiny\ntitle: 报告{word}\nparameters:\n  word: {word}\n", encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    return build.Paths(params=params, notebooks=nbdir, data=data, site=tmp_path / "site",
                       pdf=tmp_path / "pdf", executed=tmp_path / "executed",
                       cache=tmp_path / "cache")


def _run(paths: build.Paths, **kw: object) -> int:
    return build.run_reports(jobs=2, pdf=False, paths=paths, **kw)  # type: ignore[arg-type]


def test_default_params_are_valid() -> None:
    reports = build.load_reports()
    assert {r.name for r in reports} >= {"overview", "industry", "agriculture", "logistics",
                                          "finance"}
    assert all(r.notebook.exists() and r.title for r in reports)


@pytest.mark.parametrize("text, message", [
    ("notebook: nope\n", "does not exist"),
    ("title: x\n", "`notebook` is missing"),
    ("notebook: tiny\nparameters: [1, 2]\n", "must be a mapping"),
    ("notebook: tiny\nparamters: {}\n", "unknown key"),
    ("notebook: [unclosed\n", "not valid YAML"),
])
def test_bad_params_files_are_named(paths: build.Paths, text: str, message: str) -> None:
    (paths.params / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(GreenlibError, match=message) as e:
        build.load_reports(paths)
    assert "bad.yaml" in str(e.value)


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
    assert build.data_version(paths) in index

    # 2. nothing changed: no rebuild, fast
    t0 = time.perf_counter()
    assert _run(paths) == 0
    assert time.perf_counter() - t0 < 3
    out = capfd.readouterr().out
    assert "alpha: up to date" in out and "beta: up to date" in out and "▶" not in out

    # 3. a params change rebuilds that report only
    (paths.params / "beta.yaml").write_text(
        "notebook: tiny\ntitle: 报告乙\nparameters:\n  word: 乙二\n", encoding="utf-8")
    assert _run(paths) == 0
    out = capfd.readouterr().out
    assert "alpha: up to date" in out and "▶ beta: started" in out

    # 4. data change rebuilds everything (content hash of build/data)
    with open(paths.data / "tasks.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    assert _run(paths, only=["alpha"]) == 0
    assert "▶ alpha: started" in capfd.readouterr().out

    # 5. publish a good build; publishing again swaps atomically
    dest = tmp_path / "www" / "greenplan"
    build.publish(dest, paths)
    assert (dest / "alpha.html").read_text(encoding="utf-8") == alpha.read_text(encoding="utf-8")
    assert (dest / build.SITE_MARKER).exists()
    build.publish(dest, paths)
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
    before = (dest / "beta.html").read_bytes()
    with pytest.raises(GreenlibError, match="beta"):
        build.publish(dest, paths)
    assert (dest / "beta.html").read_bytes() == before


def test_publish_refuses_foreign_or_missing(paths: build.Paths, tmp_path: Path) -> None:
    with pytest.raises(GreenlibError, match="make report"):
        build.publish(tmp_path / "dest", paths)
    # a fake good build, without running a kernel
    paths.site.mkdir(parents=True)
    for r in build.load_reports(paths):
        (paths.site / f"{r.name}.html").write_text("<html></html>", encoding="utf-8")
        build._write_json(build._stamp_path(paths, r.name), {"ok": True, "key": "k"})
    (paths.site / "index.html").write_text("<html></html>", encoding="utf-8")
    (paths.site / build.SITE_MARKER).write_text("x", encoding="utf-8")
    build._write_json(paths.cache / "last_build.json", {"failed": {}})

    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(GreenlibError, match="not a published greenplan site"):
        build.publish(foreign, paths)
    assert (foreign / "thesis.docx").read_text(encoding="utf-8") == "precious"
    with pytest.raises(GreenlibError, match="overlaps"):
        build.publish(paths.site / "sub", paths)

    empty = tmp_path / "empty"
    empty.mkdir()
    build.publish(empty, paths)
    assert (empty / "alpha.html").exists()


def test_unknown_report_and_missing_data(paths: build.Paths) -> None:
    with pytest.raises(GreenlibError, match="unknown report"):
        _run(paths, only=["gamma"])
    shutil.rmtree(paths.data)
    with pytest.raises(GreenlibError, match="make data"):
        _run(paths)


def test_config_paths_are_the_defaults() -> None:
    p = build.Paths()
    assert p.site == config.BUILD_SITE and p.params == config.PARAMS
