"""Faults: the build lock, a bug's traceback going to a log file, stale copies of a killed
publish, and kills at random moments of a report build and of a publish (bounded: a few
kills each) that must leave the old site whole."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from greenlib import config, safety
from greenlib.__main__ import main
from greenlib.report import build
from greenlib.report.publish import publish, remove_stale_copies
from tests.helpers import tiny_report_set, write_tiny_notebook

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **kw: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            start_new_session=True, **kw)  # type: ignore[call-overload]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and everything it started (as a killed terminal would)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


# --------------------------------------------------------------------------- lock


@pytest.fixture
def holder(tmp_path: Path):
    """Another process holding build/.lock (as a running `make report` would)."""
    build_dir = tmp_path / "build"
    proc = _python(f"""
        import time
        from pathlib import Path
        from greenlib import safety
        with safety.build_lock(Path({str(build_dir)!r}), "report"):
            print("locked", flush=True)
            time.sleep(60)
    """, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
    yield build_dir, proc
    _kill(proc)


def test_second_build_says_who_holds_the_lock(holder, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    build_dir, proc = holder
    monkeypatch.setattr(config, "BUILD", build_dir)
    monkeypatch.setenv("GREENPLAN_LOCK_TIMEOUT", "0")
    assert main(["data"]) == 1
    err = capsys.readouterr().err
    assert f"进程 {proc.pid}" in err and "make report" in err and "Traceback" not in err


def test_second_build_waits_then_gives_up(holder, capsys: pytest.CaptureFixture[str]) -> None:
    build_dir, _proc = holder
    with pytest.raises(safety.InputError, match="等待 1 秒后仍被"):
        with safety.build_lock(build_dir, "data", timeout=1):
            pass
    assert "等待其结束" in capsys.readouterr().err


def test_lock_is_released_when_its_holder_dies(holder) -> None:
    build_dir, proc = holder
    _kill(proc)
    with safety.build_lock(build_dir, "data", timeout=5):
        info = json.loads((build_dir / ".lock").read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["command"] == "make data"


# --------------------------------------------------------------------------- bugs


def test_a_bug_goes_to_the_log_not_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import greenlib.__main__ as cli

    def broken(*_: object) -> None:
        raise KeyError("synthetic bug")

    monkeypatch.setattr(config, "BUILD", tmp_path / "build")
    monkeypatch.setattr(cli, "cmd_data", broken)
    assert main(["data"]) == 2
    err = capsys.readouterr().err
    log = tmp_path / "build" / "greenplan-error.log"
    assert str(log) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "synthetic bug" in text and "command: greenlib data" in text


def test_os_errors_are_one_chinese_line() -> None:
    msg = safety.os_error_message(PermissionError(13, "Permission denied", "/srv/site"))
    assert msg.startswith("/srv/site：") and "权限" in msg


# --------------------------------------------------------------------------- publish


def test_stale_copies_of_a_killed_publish_are_removed(tmp_path: Path) -> None:
    dest = tmp_path / "www" / "greenplan"
    dest.parent.mkdir()
    dead = dest.parent / ".greenplan.tmp-12345678-abcdef00"  # old style / no such process
    old = dest.parent / ".greenplan.old-99999999-abcdef00"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = dest.parent / f".greenplan.tmp-{sleeper.pid}-abcdef00"  # a publish still running
        for p in (dead, old, live):
            p.mkdir()
            (p / "index.html").write_text("x", encoding="utf-8")
        other = dest.parent / "other-site"
        other.mkdir()
        removed = remove_stale_copies(dest)
        assert set(removed) == {dead, old}
        assert live.exists() and other.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def _fake_site(root: Path, params: Path, version: str, n_files: int = 400) -> build.Paths:
    """A built site as check_publishable expects it (many files: a copy takes a while)."""
    paths = build.Paths(params=params, data=root / "data", root=root / "plan")
    (paths.site / "files").mkdir(parents=True, exist_ok=True)
    for i in range(n_files):
        (paths.site / "files" / f"f{i:04d}.html").write_text(
            f"<html>{version} {i} " + "x" * 20000 + "</html>", encoding="utf-8")
    (paths.site / "index.html").write_text(f"<html>{version}</html>", encoding="utf-8")
    (paths.site / "alpha.html").write_text(f"<html>{version}</html>", encoding="utf-8")
    build.write_json(paths.stamps / "alpha.json", {"ok": True})
    build.write_json(paths.cache / "last_build.json", {"failed": {}})
    (root / "index.html").write_text(f"<html>{version}</html>", encoding="utf-8")
    return paths


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*"))
            if f.is_file()}


def test_publish_killed_at_random_moments_leaves_a_whole_site(tmp_path: Path) -> None:
    params = tmp_path / "params"
    params.mkdir()
    nbdir = tmp_path / "notebooks"
    write_tiny_notebook(nbdir)
    (params / "alpha.yaml").write_text("notebook: tiny\ntitle: 甲\n", encoding="utf-8")
    dest = tmp_path / "www" / "greenplan"

    old_paths = _fake_site(tmp_path / "old", params, "OLD")
    old_paths.notebooks = nbdir
    publish(dest, [old_paths], build_root=tmp_path / "old")
    old_tree = _tree(dest)
    new_paths = _fake_site(tmp_path / "new", params, "NEW")
    code = f"""
        from pathlib import Path
        from greenlib.report import build
        from greenlib.report.publish import publish
        p = build.Paths(params=Path({str(params)!r}), data=Path({str(new_paths.data)!r}),
                        root=Path({str(new_paths.root)!r}), notebooks=Path({str(nbdir)!r}))
        publish(Path({str(dest)!r}), [p], build_root=Path({str(tmp_path / "new")!r}))
    """
    t0 = time.perf_counter()
    proc = _python(code)
    proc.wait(timeout=120)
    full = time.perf_counter() - t0  # how long a whole publish takes here
    assert proc.returncode == 0
    new_tree = _tree(dest)
    assert new_tree != old_tree
    publish(dest, [old_paths], build_root=tmp_path / "old")  # back to the old site
    rng = random.Random(12)
    for _ in range(5):
        proc = _python(code)
        time.sleep(rng.uniform(0, full))
        _kill(proc)
        now = _tree(dest)
        assert now in (old_tree, new_tree), "a killed publish left a mixed or partial site"
        if now == new_tree:
            publish(dest, [old_paths], build_root=tmp_path / "old")
    # the next publish clears what the kills left beside the destination
    publish(dest, [old_paths], build_root=tmp_path / "old")
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".greenplan.")]


# --------------------------------------------------------------------------- report


def test_report_build_killed_at_random_moments_keeps_the_old_site(
        tmp_path: Path, built_data: Path) -> None:
    paths = tiny_report_set(tmp_path, built_data)
    params, data, nbdir = paths.params, paths.data, paths.notebooks
    assert build.run_reports(paths, jobs=2, pdf=False, docx=False) == 0
    code = f"""
        from pathlib import Path
        from greenlib.report import build
        p = build.Paths(params=Path({str(params)!r}), data=Path({str(data)!r}),
                        root=Path({str(paths.root)!r}), notebooks=Path({str(nbdir)!r}))
        build.run_reports(p, jobs=2, pdf=False, docx=False, force=True)
    """
    t0 = time.perf_counter()
    proc = _python(code, stdout=subprocess.DEVNULL)
    proc.wait(timeout=300)
    full = time.perf_counter() - t0
    names = sorted(f.name for f in paths.site.iterdir() if f.suffix == ".html")
    rng = random.Random(7)
    for _ in range(3):
        proc = _python(code, stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, full))
        _kill(proc)
        for name in names:  # every page still there and whole
            text = (paths.site / name).read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), name
    # the next build clears any half-written temporary file before anything is published
    assert build.run_reports(paths, jobs=2, pdf=False, docx=False) == 0
    assert not list(paths.site.rglob(".*.tmp"))
