"""Set-up files agree with each other: requirements.lock vs pyproject.toml vs environment.yml,
Makefile help, CI entry."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml
from packaging.requirements import Requirement

from greenlib import config

LOCK = config.ROOT / "requirements.lock"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> tuple[list[Requirement], list[Requirement]]:
    """(main + dev + lab requirements: what the lock must cover, every extra's requirements)."""
    py = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = py.get("optional-dependencies", {})
    in_lock = ("dev", "lab", "engine")  # the extras `make lock` resolves and `make setup` installs
    locked = [Requirement(s) for s in [*py["dependencies"], *[r for k in in_lock for r in extras.get(k, [])]]]
    rest = [Requirement(s) for k, v in extras.items() if k not in in_lock for s in v]
    return locked, rest


def _lock() -> dict[str, set[str]]:
    """Package -> pinned versions (two when the lock forks by Python version)."""
    pins: dict[str, set[str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if m:
            pins.setdefault(_norm(m.group(1)), set()).add(m.group(2))
    return pins


def _environment_pip() -> dict[str, Requirement]:
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {_norm(r.name): r for r in (Requirement(p) for p in pip if not p.startswith("-e"))}


def test_lock_pins_every_dependency_within_pyprojects_ranges():
    # fails when pyproject.toml gained or changed a dependency and `make lock` was not run
    pins = _lock()
    locked, _ = _pyproject()
    for req in locked:
        versions = pins.get(_norm(req.name))
        assert versions, f"{req.name} is in pyproject.toml but not in requirements.lock: run make lock"
        for v in versions:
            assert req.specifier.contains(v, prereleases=True), \
                f"requirements.lock pins {req.name}=={v}, outside pyproject.toml's {req}: run make lock"


def test_lock_has_a_hash_for_every_pin():
    # pip checks every download against the lock only when every requirement has a hash
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8").split("\n", 2)[2])
    pinned = [e for e in entries if "==" in e.split("\n", 1)[0]]
    assert len(pinned) > 50
    assert all("--hash=sha256:" in e for e in pinned)


def test_environment_yml_pins_the_locks_versions():
    locked, rest = _pyproject()
    env = _environment_pip()
    # same packages as pyproject.toml (every extra)
    assert set(env) == {_norm(r.name) for r in [*locked, *rest]}
    pins = _lock()
    for name, req in env.items():
        if name in pins:
            # a package the lock pins is pinned to the same version here (== one version)
            assert {str(req.specifier)} == {f"=={v}" for v in pins[name]}, \
                f"environment.yml has {req}, requirements.lock has {sorted(pins[name])}"
        else:
            # extras outside the lock (lab) keep pyproject.toml's range
            assert str(req.specifier) == str(next(r for r in rest if _norm(r.name) == name).specifier)


def test_make_help_lists_every_documented_target():
    out = subprocess.run(["make", "-s", "help"], cwd=config.ROOT, capture_output=True, text=True,
                         check=True).stdout
    for target in ("setup", "data", "report", "publish", "lab", "test", "bench", "clean",
                   "monitoring-template"):
        assert re.search(rf"^\s*{target}\s+\S", out, re.M), target


def test_ci_runs_the_readme_test_command():
    ci = (config.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in ci and "make test" in readme and "make report" in readme


def test_make_lab_starts_as_root_and_answers(tmp_path):
    """`make lab`'s command (tools/lab.sh) starts JupyterLab on the project's environment, also as
    root (the test's user here), and its local URL answers; its file browser is the repository
    and shows each report notebook once (the jupytext .py twins hidden); then it is stopped."""
    import json
    import os
    import signal
    import socket
    import sys
    import time
    import urllib.request

    import pytest

    pytest.importorskip("jupyterlab", reason="JupyterLab is installed by make setup")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PY": sys.executable, "LAB_PORT": str(port), "HOME": str(tmp_path),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "LAB_CONFIG": str(tmp_path / "lab.json")}
    log = open(tmp_path / "lab.log", "wb")
    token = "greenplan-test-token"
    proc = subprocess.Popen(["bash", str(config.ROOT / "tools" / "lab.sh"),
                             f"--IdentityProvider.token={token}"], cwd=config.ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status, deadline = None, time.monotonic() + 90
        while status is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=5) as r:
                    status = r.status
            except OSError:
                time.sleep(0.5)
        out = (tmp_path / "lab.log").read_text(encoding="utf-8", errors="replace")
        assert status == 200, f"JupyterLab did not answer (exit {proc.poll()}):\n{out[-2000:]}"

        def listing(path: str) -> set[str]:
            url = f"http://127.0.0.1:{port}/api/contents/{path}?token={token}"
            with urllib.request.urlopen(url, timeout=30) as r:
                return {c["name"] for c in json.loads(r.read())["content"]}

        assert {"plans", "notebooks", "greenlib", "tools"} <= listing("")  # the repository
        shown = listing("notebooks")
        pairs = {p.name for p in (config.ROOT / "notebooks").glob("*.ipynb")}
        assert shown == pairs, shown  # each report once: no .py twin
        conf = json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))
        assert conf["ServerApp"]["root_dir"] == str(config.ROOT.resolve())
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
