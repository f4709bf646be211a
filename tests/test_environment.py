"""Set-up files agree with each other: environment.yml vs pyproject.toml, Makefile help, CI entry."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from greenlib import config


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].strip().lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    want = set(py["dependencies"])
    for extra in py.get("optional-dependencies", {}).values():
        want |= set(extra)
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    have = {p for p in pip if not p.startswith("-e")}
    # same names *and* the same version floors
    assert {_name(s): s for s in have} == {_name(s): s for s in want}


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
