"""The analysts' appendix (added to the site's 数据质量报告 page, never to a leader's report):
which file holds what a report shows and how to change it, whether the recommendations were
written, the rules behind every task light, and every row of a return that was sent back.

Leader-facing reports carry no file names, commands or rule codes; everything of that kind
that an analyst needs to act on is here, in Chinese.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import contract, labels
from .version import data_version


def _plan_id(data_dir: Path) -> str:
    try:
        return str(json.loads((data_dir / contract.PLAN).read_text(encoding="utf-8"))["id"])
    except (OSError, ValueError, KeyError):
        return "<规划编号>"


def _table(df: pd.DataFrame) -> list[str]:
    if df.empty:
        return []
    clean = df.astype(str).replace({"nan": "—", "<NA>": "—", "None": "—"})
    rows = ["| " + " | ".join(clean.columns) + " |", "|" + "---|" * len(clean.columns)]
    rows += ["| " + " | ".join(v.replace("|", "｜").replace("\n", " ") for v in r) + " |"
             for r in clean.itertuples(index=False)]
    return rows


def notes_markdown(data_dir: Path) -> str:
    """Markdown of the analysts' appendix for one plan's data folder."""
    data_dir = Path(data_dir)
    pid = _plan_id(data_dir)
    folder = f"plans/{pid}"
    has_rec = (data_dir / contract.RECOMMENDATIONS).exists()
    lines = [
        "## 分析人员附录（不出现在领导版报告中）",
        "",
        f"- **数据版本** {data_version(data_dir)}：对数据目录全部文件（方案文本整理结果、更正、"
        "监测数据、部门报送、统计汇总）求得的校验码，任一输入变化即改变，印在每份报告的页脚。",
        f"- **下一步工作建议**：评估报告第四部分只取自 `{folder}/recommendations.md`（Markdown，"
        "由分析人员撰写）。" + ("已找到该文件，评估报告载有此节。" if has_rec else
                            "目前没有该文件：评估报告略去此节，构建时会提示一行。") +
        "写好后运行 `make report` 即更新。",
        f"- **领域划分**：`{folder}/reference/sectors.csv`（章节 → 领域），可调整；领域报告在 "
        f"`{folder}/params/` 中定义。",
        f"- **上下衔接**：`{folder}/reference/alignment.csv`（经复核、签名的指标对照）。",
        f"- **文字更正**：`{folder}/reference/corrections.yaml`；上文“待解决”各条说明了改正方法"
        "（如用 `replace` 改正识别存疑的任务文字），改正后运行 `make data`。",
        f"- **评估结论与统计数**：监测阶段写入 `build/{pid}/data/summary.csv`（每个计数一行）和 "
        "`status.csv` 的 `conclusion` 等列；报告只读取，不重新计数。",
        f"- **编制单位**：封面的编制单位取自 `{folder}/plan.yaml` 的 `compiler`（未填写时为发文机关）。",
        "",
    ]
    ts_path = data_dir / contract.TASK_STATUS
    if ts_path.exists():
        ts = pd.read_csv(ts_path, dtype=str, keep_default_na=False)
        lit = ts[ts["light"] != "grey"] if "light" in ts.columns else ts.iloc[0:0]
        lines += ["### 任务信号灯的判定依据", ""]
        if lit.empty:
            lines += ["全部任务均为灰灯（牵头单位未填报，或其填报均被退回）。", ""]
        else:
            lines += [*_table(pd.DataFrame({
                "任务": lit["task_id"], "信号灯": lit["light"].map(lambda c: labels.LIGHT.get(c, c)),
                "判定依据（含规则代码）": lit["rule"]})), ""]
    ret_path = data_dir / contract.RETURNS
    if ret_path.exists():
        r = pd.read_csv(ret_path, dtype=str, keep_default_na=False)
        bad = r[~r["accepted"].isin(["True", "true", "1"])] if len(r) else r
        lines += ["### 被退回的填报行", ""]
        lines += (_table(bad[["file", "sheet", "row", "unit", "message"]].rename(columns={
            "file": "文件", "sheet": "工作表", "row": "行", "unit": "单位", "message": "原因"}))
            if len(bad) else ["没有被退回的填报行。"])
        lines.append("")
    return "\n".join(lines) + "\n"
