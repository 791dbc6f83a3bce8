"""Every threshold the checker uses, in one place.

These are design choices (domain.md marks them [inferred]); a department with a stricter or
looser practice changes them here without touching a rule.
"""

from decimal import Decimal

#: Amounts are compared with this tolerance (万元): rounding to two places.
AMOUNT_TOLERANCE = Decimal("0.01")
#: B07: key-task funds below this share of 项目支出 are worth a question.
TASK_SHARE_OF_PROJECT_MIN = Decimal("0.5")
#: L01: long text likely to be cut at 255 characters downstream.
LONG_TEXT = 250
#: L02: text of this many characters without terminal punctuation is probably truncated.
TRUNCATION_RANGE = (250, 256)
#: L03: Excel's hard limit per cell.
EXCEL_CELL_LIMIT = 32_767
#: S14: an indicator value longer than this is probably a shifted row or a description.
VALUE_MAX_CHARS = 40
#: V05: satisfaction targets below this percentage are unusually low.
SATISFACTION_MIN_PERCENT = Decimal("80")
#: C01/C02: shared two-character terms needed to count as "covered" by an indicator.
MIN_SHARED_TERMS = 1
#: Y02: a key task whose funds changed by more than this share of last year's is worth a word.
TASK_AMOUNT_CHANGE_MAX = Decimal("0.30")
#: Y05: total expenditure changed by more than this share of last year's.
TOTAL_CHANGE_MAX = Decimal("0.20")
