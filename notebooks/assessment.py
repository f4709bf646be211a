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
title = None  # report title (None: <规划简称>终期评估报告)
data_dir = None  # the plan's data folder, set by the build (None: the default plan's build/<id>/data)

# %%
from greenlib.report import charts, render  # noqa: E402 (after the parameters cell)
from greenlib.report import helpers as rh  # noqa: E402
from greenlib.report import progress as pg  # noqa: E402

render.setup_notebook()
s = rh.scope(None, data_dir=data_dir)
charts.set_plan_source(rh.plan_source(s))
rh.show_title(s, title or f"{s.plan.get('short_title', '')}终期评估报告")
summary = pg.leader_summary(s)
rh.show_headline(s)

# %% [markdown]
# ## 领导摘要
#
# 截至评估日，量化目标和重点任务完成了多少、没完成多少、还不知道多少；最落后的责任单位；
# 还缺哪些数据、应由谁报送。

# %%
rh.show_markdown(pg.summary_markdown(summary, s.as_of))

# %%
rh.show_table(summary["behind"], empty="没有红灯任务或逾期未实现目标的责任单位。")

# %% [markdown]
# ## 一、总体情况
#
# 量化目标按评级归入全国规划中期/终期评估常用的类别（归类规则见下表），重点任务按牵头单位
# 报送的进展状态统计。

# %%
rh.show_table(pg.target_groups(s))

# %%
rh.show_table(pg.task_counts(s))

# %%
rh.show_markdown(pg.rules_markdown())

# %% [markdown]
# ## 二、主要指标完成情况
#
# 附表一 主要指标完成情况表：每项量化目标的评级、信号灯、责任单位和最新监测值。

# %%
rh.show_table(pg.target_progress_table(s), empty="规划中没有量化目标。")

# %% [markdown]
# ## 三、重点任务推进情况
#
# 附表二 主要任务完成情况表：每项重点任务的牵头单位、期限、报送的进展状态、信号灯、
# 进展说明与佐证材料（公开资料的佐证单独注明，不作为进展状态）。

# %%
rh.show_table(pg.task_progress_table(s), empty="规划没有附件任务清单。")

# %% [markdown]
# ### 责任单位排名
#
# 按牵头任务的红灯数、负责目标中逾期未实现的数量和任务完成率排序，越靠前越落后。

# %%
rh.show_table(pg.unit_scorecard(s), empty="没有责任单位。")

# %% [markdown]
# ## 四、存在问题及原因
#
# 以下清单由数据生成：逾期或进度滞后的目标、红灯任务、缺少数据的目标及其责任单位、
# 过期的报送和被拒收的填报行。

# %%
issues_found = pg.problems(s)
rh.show_markdown("### （一）逾期未实现或进度滞后的目标")
rh.show_table(issues_found["overdue_targets"], empty="没有逾期未实现或进度滞后的目标。")
rh.show_markdown("### （二）红灯任务（期限已过未完成，或自报滞后）")
rh.show_table(issues_found["red_tasks"], empty="没有红灯任务。")
rh.show_markdown("### （三）缺少可评级数据的目标")
rh.show_table(issues_found["no_data"], empty="所有目标都有可评级的数据。")
rh.show_markdown("### （四）过期的进展报送")
rh.show_table(issues_found["stale"], empty="没有过期的报送。")
rh.show_markdown("### （五）被拒收的填报内容")
rh.show_table(issues_found["refused"], empty="没有被拒收的填报内容。")

# %% [markdown]
# ## 五、下一步工作建议

# %%
rh.show_markdown(pg.recommendations_markdown(s))

# %%
rh.show_markdown(rh.rating_note(s))
