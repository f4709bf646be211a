"""A task's text as the reports show it: a text the cleaning flagged 原文识别存疑
(``text_doubtful`` in tasks.csv) carries a visible mark with the plan's page
(``labels.doubt_mark``: 【原文存疑，见原文第N页】) until the analyst confirms or corrects it in
the review book (then the flag is off). Used by every table of tasks (overview, sector,
department pages, the assessment), so no page shows a garbled text unmarked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import labels


def is_doubtful(value: Any) -> bool:
    """tasks.csv ``text_doubtful`` as read back (bool, 'True', 1 …)."""
    return str(value).strip().lower() in ("true", "1", "1.0")


def task_text(text: Any, doubtful: Any = False, page: Any = None,
              shorten: Callable[[Any], str] | None = None) -> str:
    """One task's text for a page: shortened if asked, marked when doubtful."""
    shown = shorten(text) if shorten else ("" if text is None or pd.isna(text) else str(text))
    return shown + labels.doubt_mark(page) if is_doubtful(doubtful) else shown


def marked_texts(df: pd.DataFrame, shorten: Callable[[Any], str] | None = None) -> pd.Series:
    """The ``text`` column of a tasks frame with the 原文存疑 mark where it is due."""
    doubt = df["text_doubtful"] if "text_doubtful" in df.columns else pd.Series(False, index=df.index)
    page = df["page"] if "page" in df.columns else pd.Series(None, index=df.index)
    return pd.Series([task_text(t, d, p, shorten) for t, d, p in
                      zip(df["text"], doubt, page, strict=True)], index=df.index, dtype=object)
