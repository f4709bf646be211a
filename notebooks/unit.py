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
unit = "区发展改革委"  # the responsible unit (units.csv `unit`); the build sets it per department
title = None  # report title (None: <单位>任务落实情况)
data_dir = None  # the plan's data folder, set by the build (None: the default plan's build/<id>/data)

# %%
from greenlib.report import charts, render  # noqa: E402 (after the parameters cell)
from greenlib.report import followup as fu  # noqa: E402
from greenlib.report import helpers as rh  # noqa: E402
from greenlib.report import progress as pg  # noqa: E402

render.setup_notebook()
s = rh.scope(None, data_dir=data_dir)
charts.set_plan_source(rh.plan_source(s))
pg.check_unit(s, unit)
rh.show_title(s, title or f"{unit}任务落实情况", kind="")
rh.show_markdown(fu.unit_intro(s, unit))

# %% [markdown]
# ## 一、承担的重点任务
#
# 本单位在方案附件中列为牵头或配合单位的全部任务，以及牵头单位报送的进展状态和信号灯。

# %%
rh.show_table(pg.unit_tasks(s, unit), empty="本单位在方案附件中没有承担任务。")

# %% [markdown]
# ## 二、需要关注的事项（红灯、黄灯、蓝灯）
#
# 本单位牵头、亮红灯（督办）、黄灯（预警）或蓝灯（临近期限）的任务，附判定原因和本单位的进展说明。

# %%
rh.show_table(fu.unit_alerts(s, unit), empty="本单位牵头的任务没有红灯、黄灯或蓝灯。")

# %% [markdown]
# ## 三、被退回的填报
#
# 本轮报送中未被采用的行：请按“单元格”找到填报表中的位置，按退回原因改正后在下一轮重报。

# %%
rh.show_table(fu.unit_refused(s, unit), empty="本轮没有被退回的填报。")

# %% [markdown]
# ## 四、作为配合单位的填报
#
# 本单位对配合任务的报送，作为说明附在牵头单位的进展之后。

# %%
rh.show_table(fu.unit_co_returns(s, unit), empty="本单位没有作为配合单位的有效填报。")

# %% [markdown]
# ## 五、负责的量化目标
#
# 本单位牵头任务所含的量化目标，以及按分析人员指定由本单位负责的主要目标。

# %%
rh.show_table(pg.unit_targets(s, unit), empty="本单位没有负责的量化目标。")

# %% [markdown]
# ## 六、尚欠事项（下一轮需报送）

# %%
rh.show_table(fu.unit_owes(s, unit), empty="本单位没有尚欠事项，请按期更新进展。")

# %% [markdown]
# ## 七、历次报送情况

# %%
rh.show_table(fu.unit_record(s, unit), empty="还没有报送轮次。")

# %%
charts.lights_by_round(fu.lights_by_round(s, unit), title=f"{unit}牵头任务各轮次信号灯")

# %% [markdown]
# ## 八、在全部责任单位中的位置

# %%
rh.show_markdown(fu.unit_standing(s, unit))

# %%
rh.show_table(fu.scorecard(s), empty="没有责任单位。")
