"""The workflow engine past one machine: Snakemake (workflow/Snakefile) builds the same files
as the plain build, on both real plans and a synthetic fleet, and its cluster profiles hold.

Real runs of the real engine (``snakemake --cores 2``) against real ``greenlib report`` runs:
the contract files must be byte-identical, the pages identical but for the time they were
made, and a second engine run must rebuild nothing (greenlib's content hashes, not the
engine's file times, decide what is out of date).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greenlib import config, contract
from tests.synthetic_fleet import MARK, make_fleet

pytestmark = pytest.mark.e2e

SNAKEFILE = config.ROOT / "workflow" / "Snakefile"
PROFILES = config.ROOT / "workflow" / "profiles"
REAL = ("chongqing-2021-31", "qianjiang-2022-24")
#: what the fleet builds: the overview of every plan, HTML only (the engine adds nothing per
#: report kind; the plain build's own tests cover PDF and Word)
CONFIG = ["pdf=0", "docx=0", "only=overview"]


def _snakemake() -> list[str]:
    exe = shutil.which("snakemake", path=str(Path(sys.executable).parent))
    assert exe, "snakemake is not installed: `make setup` installs the engine extra of the lock"
    return [exe, "-s", str(SNAKEFILE)]


def _env(plans: Path | None = None, build: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    if plans:
        env["GREENPLAN_PLANS"] = str(plans)
    if build:
        env["GREENPLAN_BUILD"] = str(build)
    return env


def _run(cmd: list[str], env: dict[str, str], cwd: Path = config.ROOT) -> str:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1500)
    assert p.returncode == 0, f"{' '.join(cmd[:4])} … failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p.stdout + p.stderr


@pytest.mark.parametrize("profile", ["slurm", "kubernetes"])
def test_cluster_profile_dry_runs(profile: str, tmp_path: Path) -> None:
    """Each shipped profile is a valid Snakemake profile: a dry run plans one job per plan,
    a gather per plan and the index (the Kubernetes one through its storage settings)."""
    cmd = [*_snakemake(), "-n", "--forceall", "--profile", str(PROFILES / profile),
           "--config", f"python={sys.executable}", f"out={tmp_path / 'build'}"]
    if profile == "kubernetes":  # pods see the repository through the volume at this prefix
        cmd += ["--default-storage-prefix", str(config.ROOT)]
    out = _run(cmd, _env())
    plans = sorted(p.parent.name for p in config.PLANS.glob("*/plan.yaml"))
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert int(counts["plan"]) == len(plans) and int(counts["gather"]) == len(plans), out[-2000:]
    assert counts["index"] == "1"
    assert f"executor: {profile}" in (PROFILES / profile / "config.yaml").read_text(encoding="utf-8")


def _normal(path: Path) -> bytes:
    """A built file without the moment it was made (pages print 生成时间/构建时间, the JSON
    files generated_at/finished_at)."""
    data = path.read_bytes()
    if path.suffix in (".html", ".json", ".md"):
        text = re.sub(r"(生成|构建)时间[：:\s]*[0-9T:+\- ]+", "TIME", data.decode("utf-8"))
        text = re.sub(r'"(generated_at|finished_at|started)": "[^"]*"', '"TIME"', text)
        return text.encode("utf-8")
    return data


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both real plans and six synthetic copies, built by the engine and by the plain build."""
    root = tmp_path_factory.mktemp("fleet")
    plans = root / "plans"
    ids = make_fleet(plans, 6, REAL)
    engine_out, plain_out = root / "engine", root / "plain"
    log = _run([*_snakemake(), "--cores", "2", "--forceall", "--config", f"python={sys.executable}",
                f"plans_dir={plans}", f"out={engine_out}", *CONFIG], _env())
    _run([sys.executable, "-m", "greenlib", "report", "--plan", "all", "--jobs", "2",
          "--only", "overview", "--no-pdf", "--no-docx"], _env(plans, plain_out))
    return {"plans": plans, "engine": engine_out, "plain": plain_out, "ids": ids, "log": log}


def test_fleet_has_real_and_synthetic_plans(fleet: dict) -> None:
    ids = fleet["ids"]
    assert len(ids) >= 8 and set(REAL) <= set(ids)
    for fid in ids:
        if fid not in REAL:
            assert "synthetic" in fid
            assert MARK in (fleet["plans"] / fid / "plan.yaml").read_text(encoding="utf-8")
            # the mark reaches what a reader sees
            assert MARK in (fleet["engine"] / fid / "site" / "index.html").read_text(encoding="utf-8")


def test_engine_writes_the_plain_build(fleet: dict) -> None:
    """Same folders, byte-identical contract files, pages equal but for their build time."""
    engine, plain = fleet["engine"], fleet["plain"]
    contract_names = {n for n in vars(contract).values() if isinstance(n, str) and n.endswith(".csv")}
    assert "tasks.csv" in contract_names
    for pid in fleet["ids"]:
        for part in ("data", "site"):
            a = {p.relative_to(engine / pid) for p in (engine / pid / part).rglob("*") if p.is_file()}
            b = {p.relative_to(plain / pid) for p in (plain / pid / part).rglob("*") if p.is_file()}
            assert a == b, f"{pid}/{part}: only in the engine's {sorted(a - b)[:5]}, only in the plain {sorted(b - a)[:5]}"
            for rel in sorted(a):
                x, y = engine / pid / rel, plain / pid / rel
                if rel.name in contract_names:
                    assert x.read_bytes() == y.read_bytes(), f"{pid}/{rel}: contract file differs"
                else:
                    assert _normal(x) == _normal(y), f"{pid}/{rel} differs"
    assert _normal(engine / "index.html") == _normal(plain / "index.html")
    for pid in fleet["ids"]:  # every plan is listed on the build's index
        assert f'href="{pid}/site/index.html"' in (engine / "index.html").read_text(encoding="utf-8")


def test_second_engine_run_rebuilds_nothing(fleet: dict) -> None:
    """Incremental through greenlib's content hashes: a rerun of the engine on unchanged inputs
    builds no report and rewrites no page."""
    engine = fleet["engine"]
    pages = {p: p.read_bytes() for p in engine.glob("*/site/*.html")}
    out = _run([*_snakemake(), "--cores", "2", "--forceall", "--config", f"python={sys.executable}",
                f"plans_dir={fleet['plans']}", f"out={engine}", *CONFIG], _env())
    assert "building" not in out and out.count("overview: up to date") == len(fleet["ids"]), out[-3000:]
    for pid in fleet["ids"]:
        counts = json.loads((engine / ".cache" / "gathered" / f"{pid}.json").read_text(encoding="utf-8"))
        assert counts["removed"] == 0
    assert {p: p.read_bytes() for p in engine.glob("*/site/*.html")} == pages


def test_engine_refuses_an_unknown_plan(tmp_path: Path) -> None:
    p = subprocess.run([*_snakemake(), "-n", "--config", "plans=no-such-plan",
                        f"out={tmp_path}"], cwd=config.ROOT, env=_env(), capture_output=True, text=True)
    assert p.returncode != 0 and "没有这些规划" in p.stdout + p.stderr
