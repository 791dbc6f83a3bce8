"""The checker's thresholds, defined once in :mod:`form_model.thresholds` (the judgement of
values reads them too, and must not import the checker package)."""

from form_model.thresholds import (  # noqa: F401  (re-exported for the rules)
    AMOUNT_TOLERANCE,
    EXCEL_CELL_LIMIT,
    LONG_TEXT,
    MIN_SHARED_TERMS,
    SATISFACTION_MIN_PERCENT,
    TASK_AMOUNT_CHANGE_MAX,
    TASK_SHARE_OF_PROJECT_MIN,
    TOTAL_CHANGE_MAX,
    TRUNCATION_RANGE,
    VALUE_MAX_CHARS,
)
