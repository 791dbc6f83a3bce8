"""Amounts in 万元 to the fen (six decimals) are kept, shown with two, written in full."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pydantic import ValidationError

from form_model.amounts import format_amount
from form_model.exporter import write_form
from form_model.importers import FormReadError, read_json, read_xlsx
from form_model.models import Budget, TaskItem
from tests.builders import seed_form

D = Decimal


@pytest.mark.parametrize(
    ("given_", "kept"),
    [("4381.54", "4381.54"), ("4381.5", "4381.50"), ("12", "12.00"), ("0", "0.00"),
     ("1.234", "1.234"), ("275150.812345", "275150.812345"), ("0.000001", "0.000001"),
     ("1.2340", "1.234")],
)
def test_money_keeps_up_to_six_places(given_: str, kept: str) -> None:
    assert str(Budget(basic_expenditure=D(given_)).basic_expenditure) == kept


@pytest.mark.parametrize("value", ["1.2345678", "0.0000001"])
def test_money_refuses_more_than_six_places(value: str) -> None:
    with pytest.raises(ValidationError, match="more than 6 decimal places"):
        TaskItem(amount=D(value))


def test_money_is_shown_with_two_places() -> None:
    assert format_amount(D("275150.812345")) == "275,150.81"
    assert format_amount(D("0.005")) == "0.01"


def test_json_keeps_the_fen_and_names_too_many_decimals() -> None:
    form = seed_form()
    form.budget.other_funds = D("2536.486789")
    assert read_json(form.model_dump_json()) == form
    bad = form.model_dump_json().replace('"2536.486789"', '"2536.4867891"')
    with pytest.raises(FormReadError) as caught:
        read_json(bad)
    assert "budget.other_funds" in caught.value.message and "六位小数" in caught.value.message


_FEN = st.decimals(min_value=0, max_value=D("9999999.999999"), places=6,
                   allow_nan=False, allow_infinity=False)


@given(_FEN)
def test_the_exporter_writes_the_full_amount_with_two_decimals_shown(amount: Decimal) -> None:
    form = seed_form()
    form.budget.other_funds = amount
    form.tasks[0].items[0].amount = amount
    data = write_form(form)
    ws = load_workbook(BytesIO(data)).active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row
             if isinstance(c.value, int | float) and not isinstance(c.value, bool)
             and D(format(c.value, ".15g")) == amount]
    assert len(cells) >= 2
    assert all(c.number_format == "#,##0.00" for c in cells)
    back = read_xlsx(data)
    assert back.budget.other_funds == amount and back.tasks[0].items[0].amount == amount
    assert back.amount_notes == {}
