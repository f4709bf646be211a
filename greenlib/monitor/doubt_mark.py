"""A task's text as a request book shows it to a department: a text the cleaning flagged
原文识别存疑 (tasks.csv ``text_doubtful``) carries ``labels.doubt_mark`` — 【原文存疑，见原文第N页】
— until the analyst confirms or corrects it in the review book, so the office never sends a
garbled task unmarked. (The reports use the same mark: greenlib/report/tasktext.py.)"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import labels


def request_text(task: pd.Series | dict[str, Any]) -> str:
    """The task's text, marked when doubtful (with its page when the plan's scrape has pages)."""
    text = task.get("text")
    shown = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    if str(task.get("text_doubtful")).strip().lower() in ("true", "1", "1.0"):
        return shown + labels.doubt_mark(task.get("page"))
    return shown
