"""The Vega bundle cache: built once, read back, rebuilt when its key changes or the file
is damaged (stand-in bundles: the real one takes seconds to build)."""

from __future__ import annotations

from pathlib import Path

from greenlib import render, vega_cache

FAKE = "/* synthetic stand-in bundle */ window.vegaEmbed = function () {};\n" + "x" * 5000


class _Maker:
    def __init__(self, text: str = FAKE) -> None:
        self.calls, self.text = 0, text

    def __call__(self) -> str:
        self.calls += 1
        return self.text


def test_built_once_then_read_from_disk(tmp_path: Path) -> None:
    make = _Maker()
    assert vega_cache.cached_bundle("6.4", make, tmp_path) == FAKE
    assert vega_cache.cached_bundle("6.4", make, tmp_path) == FAKE
    assert make.calls == 1
    files = list(tmp_path.glob("vega-*-6.4.js"))
    assert len(files) == 1 and not list(tmp_path.glob(".*tmp"))


def test_other_vega_lite_version_gets_its_own_file(tmp_path: Path) -> None:
    make = _Maker()
    vega_cache.cached_bundle("6.4", make, tmp_path)
    vega_cache.cached_bundle("5.20", make, tmp_path)
    assert make.calls == 2
    assert len(list(tmp_path.glob("vega-*.js"))) == 2


def test_empty_or_truncated_cache_is_rebuilt(tmp_path: Path) -> None:
    make = _Maker()
    vega_cache.cached_bundle("6.4", make, tmp_path)
    (path,) = tmp_path.glob("vega-*.js")
    for damaged in ("", FAKE[:3000]):  # empty; cut short (no end marker)
        path.write_text(damaged, encoding="utf-8")
        assert vega_cache.cached_bundle("6.4", make, tmp_path) == FAKE
    assert make.calls == 3
    assert path.read_text(encoding="utf-8").rstrip().endswith(vega_cache.END_MARKER)


def test_unwritable_cache_still_gives_the_bundle(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    make = _Maker()
    assert vega_cache.cached_bundle("6.4", make, blocked / "sub") == FAKE


def test_report_bundle_comes_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GREENPLAN_VEGA_CACHE", str(tmp_path))
    render.javascript_bundle.cache_clear()
    try:
        first = render.javascript_bundle()
        (path,) = tmp_path.glob("vega-*.js")
        assert "vegaEmbed" in path.read_text(encoding="utf-8")
        render.javascript_bundle.cache_clear()
        assert render.javascript_bundle() == first  # read back: identical page script
    finally:
        render.javascript_bundle.cache_clear()
