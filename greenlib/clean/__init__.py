"""The clean stage: a raw plan → tasks, units, targets, goals, sectors and the quality report.

Reads only a plan's ``raw/`` and ``reference/``; writes ``build/<plan-id>/data/``.
"""
