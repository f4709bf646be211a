# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameters: papermill injects the values of params/<report>.yaml after this cell.
title = None  # report title (None: <规划简称>中期评估报告, or 终期评估报告 after the plan period)
data_dir = None  # the plan's data folder, set by the build (None: the default plan's build/<id>/data)

# %%
from greenlib.report import assessment as asm  # noqa: E402 (after the parameters cell)
from greenlib.report import assessment_charts as ac  # noqa: E402
from greenlib.report import assessment_issues as ai  # noqa: E402
from greenlib.report import assessment_tables as at  # noqa: E402
from greenlib.report import charts, render  # noqa: E402
from greenlib.report import helpers as rh  # noqa: E402

render.setup_notebook()
s = rh.scope(None, data_dir=data_dir)
charts.set_plan_source(rh.plan_source(s))
asm.show_cover(s, title)

# %% [markdown]
# ## 一、总体评价

# %%
rh.show_markdown(asm.overall_text(s))

# %%
ac.conclusions(asm.conclusion_counts(s), s.as_of)

# %%
parent = asm.parent_table(s)
if len(parent):
    rh.show_table(parent)

# %% [markdown]
# ## 二、主要成效

# %%
rh.show_markdown(asm.achievements_text(s))
rh.show_table(asm.achieved_targets(s),
              empty="截至评估截止日期，尚无提前实现、快于预期或基本符合预期的量化目标。")

# %%
rh.show_table(asm.delivered_tasks(s), empty=ai.empty(s, "delivered"))

# %% [markdown]
# ## 三、存在问题

# %%
rh.show_markdown(ai.problems_text(s))
rh.show_markdown("### （一）未实现或滞后的目标")
rh.show_table(ai.unmet_targets(s), empty="没有未实现或滞后的量化目标。")
rh.show_markdown("### （二）亮红灯的重点任务")
rh.show_table(ai.red_tasks(s), empty=ai.empty(s, "red"))

# %%
ac.tasks_by_sector(at.task_status_by_sector(s), rh.sector_order(s))

# %%
rh.show_markdown("### （三）缺少数据和未报送进展")
rh.show_table(ai.missing_figures(s), empty="所有量化目标都有可用于评估的数据。")
rh.show_table(ai.missing_returns(s), empty=ai.empty(s, "returns"))
rh.show_table(ai.refused_by_unit(s), empty="没有被退回的填报内容。")
rh.show_markdown("### （四）依据较旧数据的评估结论")
rh.show_table(ai.old_figures(s), empty="没有依据两年以前数据得出的评估结论。")
rh.show_markdown("### （五）上级下达目标")
rh.show_table(ai.assigned_goals(s), empty="方案主要目标中没有由上级下达数值的目标。")

# %%
advice = ai.recommendations(s)
if advice:
    rh.show_markdown("## 四、下一步工作建议\n\n" + advice)

# %% [markdown]
# ## 附表
#
# ### 附表1 主要指标完成情况表

# %%
rh.show_table(at.indicator_table(s), empty="规划中没有量化目标。")
rh.show_markdown(asm.conclusion_rules(s))

# %% [markdown]
# ### 附表2 重点任务完成情况表

# %%
rh.show_table(at.task_table(s), empty="规划没有附件任务清单。")
rh.show_markdown(at.light_note(s))

# %% [markdown]
# ### 附表3 报送情况

# %%
rh.show_table(at.reporting_table(s), empty="规划没有附件任务清单，无需报送任务进展。")
