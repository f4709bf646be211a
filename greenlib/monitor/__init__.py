"""The monitor stage: the clean stage's targets + a plan's observations → ratings.

Reads ``build/<plan-id>/data/targets.csv`` and the plan's ``monitoring/`` and indicator map
(and the parent plan's targets.csv); writes status.csv, observations.csv, alignment.csv and
monitor.json into the same data folder.
"""
