"""What every bench measurement shares: a timed subprocess, the machine's facts, medians.

Its own module so that the report bench (:mod:`.report`) and the scale bench (:mod:`.scale`)
both use it without importing each other.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run(cmd: list[str], rusage: bool = False, **kw: Any) -> Any:
    """Run ``cmd``: (wall seconds, stdout, CPU seconds of it and every descendant it waited
    for: kernels, Chromium). CPU seconds hardly change when other work shares the machine;
    wall seconds do. ``rusage``: also the peak resident memory in MB of the largest of those
    processes (``ru_maxrss``). Fails loudly with the end of stderr."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"bench step failed: {' '.join(cmd[:3])} …\n{stderr[-3000:]}")
    if rusage:
        return wall, stdout, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    return wall, stdout, usage.ru_utime + usage.ru_stime


def last_json(out: str) -> dict[str, Any]:
    return json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])


def machine() -> dict[str, Any]:
    """The facts a timing depends on."""
    from importlib.metadata import version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from ..report import render

    chromium_version = render.chromium_version()
    pkgs = {}
    for p in ("papermill", "nbclient", "nbconvert", "ipykernel", "altair", "vl-convert-python"):
        try:
            pkgs[p] = version(p)
        except Exception:
            pkgs[p] = "?"
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "python": sys.version.split()[0], "chromium": chromium_version, "packages": pkgs}


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median per key over the runs (a key some run lacks counts as 0 there)."""
    keys = dict.fromkeys(k for r in runs for k in r)
    return {k: statistics.median(r.get(k, 0.0) for r in runs) for k in keys}
