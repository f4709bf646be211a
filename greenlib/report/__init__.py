"""The report stage: a plan's data folder → HTML, PDF and the index pages.

Reads only ``build/<plan-id>/data/`` (never a plan's reference or monitoring inputs, and
never rates); writes ``build/<plan-id>/site/``, ``pdf/``, ``notebooks/`` and ``build/index.html``.
"""
