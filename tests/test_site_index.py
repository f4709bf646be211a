"""The plan's index page says what the site is, links the data and says what changed."""

from __future__ import annotations

from pathlib import Path

from greenlib.report import build, render, site
from tests.paths import DISTRICT


def _snap(version: str, **reports: tuple[str, dict]) -> dict:
    return {"data_version": version,
            "reports": {n: {"title": n + "报告", "built_at": b, "status_counts": sc}
                        for n, (b, sc) in reports.items()}}


def test_changes_since_the_last_build() -> None:
    old = _snap("aaa", overview=("t1", {"achieved": 0}), industry=("t1", {"achieved": 1}))
    new = _snap("bbb", overview=("t2", {"achieved": 1}), industry=("t1", {"achieved": 1}),
                urban=("t2", {"achieved": 0}))
    lines = site.changes(old, new)
    assert "数据已更新（数据版本 aaa → bbb）。" in lines
    assert "新增报告：urban报告。" in lines
    assert "重新生成 1 份报告：overview报告。" in lines
    assert "1 份报告的进展评级有变化。" in lines
    assert site.changes(new, new) == ["与上次构建相比没有变化。"]
    assert site.changes(None, new) == []  # first build: nothing to compare


def test_plan_index_links_the_data_and_the_quality_report(built_data: Path, tmp_path: Path) -> None:
    paths = build.Paths(params=DISTRICT.params, data=built_data, root=tmp_path)
    reports, _ = build.load_reports(paths)
    paths.site.mkdir(parents=True)
    (paths.site / "plan.xlsx").write_bytes(b"synthetic placeholder")
    site.write_plan_index(paths, reports, {}, pdf=False, rebuilt=True, full=True)
    quality = (paths.site / "quality.html").read_text(encoding="utf-8")
    assert "<h1>数据质量报告" in quality and render.external_refs(quality) == []
    index = (paths.site / "index.html").read_text(encoding="utf-8")
    assert '<a href="plan.xlsx">' in index and '<a href="quality.html">' in index
    assert "本站点汇集" in index and "本次更新" not in index  # first build
    # a second build with another data version says so; quality.html survives remove_stale
    key = paths.cache / "index.json"
    old = build.json.loads(key.read_text(encoding="utf-8"))
    old["index_key"], old["snapshot"]["data_version"] = "x", "000000000000"
    key.write_text(build.json.dumps(old), encoding="utf-8")
    site.write_plan_index(paths, reports, {}, pdf=False, rebuilt=False, full=True)
    index = (paths.site / "index.html").read_text(encoding="utf-8")
    assert "本次更新" in index and "数据已更新（数据版本 000000000000 →" in index
    assert (paths.site / "quality.html").exists()


def test_the_users_guide_is_a_page_linked_from_the_build_index(tmp_path: Path) -> None:
    site.write_site_index(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{site.GUIDE_PAGE}">使用说明</a>' in index
    guide = (tmp_path / site.GUIDE_PAGE).read_text(encoding="utf-8")
    assert "<h1>使用说明</h1>" in guide and render.external_refs(guide) == []
    for heading in ("一、安装", "三、一轮填报的步骤", "四、撰写“下一步工作建议”",
                    "五、更正任务文字或量化目标", "六、发布到内网", "七、用 JupyterLab 修改报告"):
        assert f"<h2>{heading}</h2>" in guide
    assert "recommendations.md" in guide and "corrections.yaml" in guide
