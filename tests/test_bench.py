"""The bench's summary (``make bench`` runs for a quarter of an hour: its last step must not fail)."""

from __future__ import annotations

from greenlib.bench import report as bench


def test_summary_and_table_cope_with_a_kind_that_has_no_word_step() -> None:
    build = {"whole": 50.0, "cpu": 40.0, "reports": 11.0, "execute": 30.0, "html": 5.0,
             "docx": 4.0, "pdf": 10.0}
    floor = {**build, "whole": 40.0, "cpu": 30.0, "docx": 0.0}
    naive = {"whole": 200.0, "cpu": 120.0, "reports": 11.0, "execute": 120.0, "html": 40.0,
             "pdf": 40.0}  # an older run without a docx key
    results = {"build": [build, {**build, "whole": 60.0}], "floor": [floor, floor], "naive": [naive]}
    s = bench.summarize(results)
    assert s["ratios"]["build/floor"]["whole"] == 1.38  # median 55 / 40
    assert s["ratios"]["build/naive"]["whole"] == 0.28
    assert s["ratios"]["build/naive"]["docx"] is None  # no Word step to compare with
    md = bench.markdown(s, {"cpus": 2, "packages": {"papermill": "2.7"}}, 2, 2)
    assert "| whole | 55.00 | 40.00 | 200.00 | 1.38 | 0.28 |" in md
