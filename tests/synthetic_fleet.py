"""A SYNTHETIC fleet of plans for the workflow-engine tests (never real data).

Copies of the real plans' folders under new ids ``synthetic-fleet-NN-<id>`` whose titles and
short titles say 合成测试数据, as a municipal office's many district plans would stand side by
side. The raw texts are the real ones (unchanged, so their checksums hold); only the plan
profile says what the copy is. Monitoring figures and returns are copied as they are.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from greenlib import config

MARK = "（合成测试数据）"


def make_fleet(dest: Path, n: int, sources: tuple[str, ...], real: bool = True) -> list[str]:
    """Write ``n`` synthetic plans (cycling over ``sources``) into the plans folder ``dest``,
    with the real plans themselves when ``real``: the ids written, real ones first."""
    dest.mkdir(parents=True, exist_ok=True)
    ids: list[str] = []
    if real:
        for pid in sources:
            shutil.copytree(config.PLANS / pid, dest / pid, dirs_exist_ok=True)
            ids.append(pid)
    for i in range(n):
        src = sources[i % len(sources)]
        fid = f"synthetic-fleet-{i + 1:02d}-{src}"
        shutil.copytree(config.PLANS / src, dest / fid)
        yaml_path = dest / fid / "plan.yaml"
        text = yaml_path.read_text(encoding="utf-8")
        text = re.sub(r"^id: .*$", f"id: {fid}", text, count=1, flags=re.M)
        text = re.sub(r"^(title|short_title): (.*)$", lambda m: f"{m.group(1)}: {MARK}{m.group(2)}",
                      text, flags=re.M)
        # a copy implements its source's parent, which the fleet folder holds when real
        yaml_path.write_text(f"# 合成测试数据（synthetic）：{src} 的副本，仅用于工作流引擎测试\n{text}",
                             encoding="utf-8")
        ids.append(fid)
    (dest / "plans.yaml").write_text(f"default: {sources[0]}\n", encoding="utf-8")
    return ids
