"""Amounts (form_model.amounts) and indicator values (form_model.values)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_model.amounts import (
    AmountError,
    decimal_places,
    format_amount,
    parse_amount,
    parse_chinese_number,
    tidy,
)
from form_model.values import (
    VAGUE_WORDS,
    Band,
    BandIssue,
    IndicatorValue,
    ValueKind,
    find_vague_words,
    format_value,
    overlaps_and_gaps,
    parse_value,
    suggest,
)

D = Decimal

# ======================================================================================
# amounts
# ======================================================================================


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4,381.54", "4381.54"),
        ("4381.54", "4381.54"),
        ("4381.54万元", "4381.54"),
        ("4381.54万", "4381.54"),
        ("43,815,400元", "4381.54"),
        ("43815400 元", "4381.54"),
        ("2.75亿", "27500"),
        ("2.75亿元", "27500"),
        ("两千万", "2000"),
        ("一百二十万元", "120"),
        ("壹拾万元", "10"),
        ("三千五百万", "3500"),
        ("1.2千万", "1200"),
        ("４，３８１．５４", "4381.54"),
        ("¥4,381.54万", "4381.54"),
        ("￥4,381.54", "0.438154"),  # a currency sign means 元
        ("人民币100元", "0.01"),
        ("-12", "-12"),
        ("¥-12", "-0.0012"),
        ("负十二", "-12"),
        ("+7", "7"),
        (" 4 381 . 54 ", "4381.54"),
        ("4381.54\u3000万元", "4381.54"),
        ("4,38,1", "4381"),  # lenient about where the separators are
        ("4381。54", "4381.54"),  # Chinese full stop typed as the decimal point
        ("275,150.81", "275150.81"),
        ("0.00", "0"),
        ("0", "0"),
        ("一百二十", "120"),  # no unit: already 万元
        ("十二万三千", "12.3"),
        ("一万五", "1.5"),  # 一万五 = 15,000 元
        ("三千五", "3500"),
        ("一百零五", "105"),
        ("一千零五十", "1050"),
        ("一点五万", "1.5"),
        ("一万亿", "100000000"),
        ("十二亿三千万", "123000"),
        ("贰佰叁拾肆万伍仟元", "234.5"),
        ("10万元整", "10"),
    ],
)
def test_parse_amount_accepts(text: str, expected: str) -> None:
    assert parse_amount(text) == D(expected)


def test_parse_amount_is_not_rounded() -> None:
    assert parse_amount("1.005") == D("1.005")
    assert decimal_places(parse_amount("1.005")) == 3
    assert parse_amount("12345元") == D("1.2345")


def test_parse_amount_scaled_results_have_no_trailing_zeros() -> None:
    # callers check decimals: 「43,815,400元」 must not look like four decimals
    assert parse_amount("43,815,400元").as_tuple().exponent == -2
    assert str(parse_amount("2.75亿")) == "27500"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, D("12")), (0, D("0")), (4381.54, D("4381.54")), (0.1, D("0.1")), (D("1.50"), D("1.50"))],
)
def test_parse_amount_numbers(value: int | float | Decimal, expected: Decimal) -> None:
    result = parse_amount(value)
    assert isinstance(result, Decimal)
    assert result == expected
    assert str(result) == str(expected)  # floats go through str(): no binary artefacts


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not_an_amount"),
        ("1.2.3", "two_decimal_points"),
        ("1.2.3万元", "two_decimal_points"),
        ("12%", "percent"),
        ("12％", "percent"),
        ("百分之十二", "percent"),
        ("2025-01-01", "date"),
        ("2025/1/1", "date"),
        ("2025.01.01", "date"),
        ("2025年1月", "date"),
        ("3月", "date"),
        ("12abc", "unknown_unit"),
        ("abc12", "not_an_amount"),
        ("12万abc", "unknown_unit"),
        ("万元", "not_an_amount"),
        ("元", "not_an_amount"),
        ("¥", "not_an_amount"),
        ("-", "not_an_amount"),
        ("--1", "not_an_amount"),
        ("1e5", "unknown_unit"),
        ("inf", "not_an_amount"),
        ("NaN", "not_an_amount"),
        ("12人", "not_an_amount"),
        ("一万二万", "not_an_amount"),
        ("一百一千", "not_an_amount"),
        ("五3", "not_an_amount"),
        ("1,234.5,6", "bad_separator"),
        ("1,,2", "bad_separator"),
        ("1,", "bad_separator"),
        ("#VALUE!", "not_an_amount"),
        (True, "wrong_type"),
        (None, "wrong_type"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        (D("NaN"), "not_finite"),
    ],
)
def test_parse_amount_rejects(value: object, code: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(value)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    assert caught.value.message and caught.value.message_en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a currency before or after the number: the amount is in 元
        ("￥1,200,000.00", "120"),
        ("¥1,200,000.00", "120"),
        ("¥ 1,200,000", "120"),
        ("RMB 1,200,000", "120"),
        ("rmb1200000", "120"),
        ("人民币1,200,000.00", "120"),
        ("CNY 1,200,000", "120"),
        ("1,200,000 CNY", "120"),
        ("1,200,000 RMB", "120"),
        ("1,200,000元", "120"),
        ("1200000 元", "120"),
        ("300,000 yuan", "30"),
        ("300000Yuan", "30"),
        ("￥43,815,400", "4381.54"),
        ("¥4,381.54万", "4381.54"),  # a currency and 万: still 万 of 元
        ("￥2.75亿", "27500"),
        # English magnitudes after an Arabic number: 元
        ("3 million yuan", "300"),
        ("3 million", "300"),
        ("3 millions", "300"),
        ("1.2m", "120"),
        ("1.2M", "120"),
        ("1.2 mn", "120"),
        ("1.2 million", "120"),
        ("RMB 3 million", "300"),
        ("¥1.2m", "120"),
        ("1.2m元", "120"),
        ("500k", "50"),
        ("500K yuan", "50"),
        ("500 thousand yuan", "50"),
        ("2.5 billion yuan", "250000"),
        ("2.5bn", "250000"),
        ("-1.2m", "-120"),
        ("1,500k", "150"),
        # Chinese magnitudes with spaces
        ("1.5 万", "1.5"),
        ("1.5 万元", "1.5"),
        ("3 亿", "30000"),
        # a bare number stays 万元
        ("1200000", "1200000"),
        ("1,200,000.00", "1200000"),
    ],
)
def test_parse_amount_currencies_and_english(text: str, expected: str) -> None:
    assert parse_amount(text) == D(expected)


@pytest.mark.parametrize(
    ("text", "code", "said"),
    [
        ("$3m", "foreign_currency", "不是人民币金额"),
        ("US$ 1,000", "foreign_currency", "不是人民币金额"),
        ("3 million dollars", "foreign_currency", "不是人民币金额"),
        ("USD 1,000", "foreign_currency", "不是人民币金额"),
        ("€5k", "foreign_currency", "不是人民币金额"),
        ("100美元", "foreign_currency", "不是人民币金额"),
        ("港币100万", "foreign_currency", "不是人民币金额"),
        ("1.2m万", "two_magnitudes", "两个数量级"),
        ("500k万元", "two_magnitudes", "两个数量级"),
        ("3 million 万元", "two_magnitudes", "两个数量级"),
        ("3 millon yuan", "unknown_unit", "「millon」不是金额单位"),
        ("1.2mm", "unknown_unit", "「mm」不是金额单位"),
        ("3 million people", "unknown_unit", "「people」不是金额单位"),
        ("1.2 m²", "unknown_unit", "「m2」不是金额单位"),
        ("five million yuan", "number_words", "阿拉伯数字"),
        ("three thousand", "number_words", "阿拉伯数字"),
        ("1.2.3m", "two_decimal_points", "两个小数点"),
        ("m", "not_an_amount", "不是金额"),
        ("yuan", "not_an_amount", "不是金额"),
        ("RMB", "not_an_amount", "不是金额"),
        ("3 million%", "percent", "百分比"),
    ],
)
def test_near_miss_amounts_are_refused_with_a_reason(text: str, code: str, said: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    assert said in caught.value.message and text.strip() in caught.value.message
    assert caught.value.message_en


def test_amount_error_messages_are_specific() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("abc")
    assert caught.value.message == "「abc」不是金额"
    assert caught.value.message_en == '"abc" is not an amount'
    assert str(caught.value) == '"abc" is not an amount'
    assert caught.value.raw == "abc"

    with pytest.raises(AmountError) as caught:
        parse_amount("1.2.3")
    assert "两个小数点" in caught.value.message
    assert "two decimal points" in caught.value.message_en

    with pytest.raises(AmountError) as caught:
        parse_amount("12%")
    assert "百分比" in caught.value.message
    assert "percentage" in caught.value.message_en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("4381.54"), "4,381.54"),
        (D("275150.81"), "275,150.81"),
        (D("0"), "0.00"),
        (D("-0.001"), "0.00"),
        (D("12"), "12.00"),
        (D("-12"), "-12.00"),
        (D("1234567.005"), "1,234,567.01"),  # half up
        (D("0.125"), "0.13"),
        (7, "7.00"),
    ],
)
def test_format_amount(value: Decimal, expected: str) -> None:
    assert format_amount(value) == expected


def test_format_amount_rejects_nan() -> None:
    with pytest.raises(AmountError):
        format_amount(D("NaN"))


def test_tidy_and_decimal_places() -> None:
    assert str(tidy(D("4381.5400"))) == "4381.54"
    assert str(tidy(D("2.75E+4"))) == "27500"
    assert str(tidy(D("0.000"))) == "0"
    assert decimal_places(D("4381.540")) == 2
    assert decimal_places(D("12")) == 0
    assert decimal_places(D("1.2E+3")) == 0
    assert decimal_places(D("0.125")) == 3


@pytest.mark.parametrize(
    ("text", "value", "magnitude"),
    [
        ("一百二十", D(120), False),
        ("壹拾万", D(100000), True),
        ("十二万三千", D(123000), True),
        ("一点五", D("1.5"), False),
        ("二零二五", D(2025), False),
        ("十", D(10), False),
        ("1.2千万", D(12000000), True),
        ("3千5百", D(3500), False),
    ],
)
def test_parse_chinese_number(text: str, value: Decimal, magnitude: bool) -> None:
    assert parse_chinese_number(text) == (value, magnitude)


_TWO_PLACES = st.decimals(
    min_value=D("-999999999999.99"), max_value=D("999999999999.99"), places=2,
    allow_nan=False, allow_infinity=False,
)


@given(_TWO_PLACES)
def test_format_then_parse_round_trips(amount: Decimal) -> None:
    assert parse_amount(format_amount(amount)) == amount


@given(_TWO_PLACES)
def test_yuan_is_divided_by_ten_thousand(amount: Decimal) -> None:
    written = format(amount, "f")
    assert parse_amount(f"{written}元") == amount / 10000
    assert parse_amount(f"{written} 元") == amount / 10000


@given(_TWO_PLACES)
def test_yi_is_multiplied_by_ten_thousand(amount: Decimal) -> None:
    written = format(amount, "f")
    assert parse_amount(f"{written}亿") == amount * 10000
    assert parse_amount(f"{written}亿元") == amount * 10000


@given(_TWO_PLACES)
def test_wan_yuan_is_the_number_itself(amount: Decimal) -> None:
    written = format(amount, "f")
    assert parse_amount(f"{written}万元") == amount
    assert parse_amount(f"{written}万") == amount
    assert parse_amount(written) == amount


_LOWER = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九")
_UPPER = ("零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖")


def _chinese(n: int, upper: bool) -> str:
    """An independent writer of Chinese numerals for 0 ≤ n < 10**8 (test oracle)."""
    digits = _UPPER if upper else _LOWER
    units = ("仟", "佰", "拾", "") if upper else ("千", "百", "十", "")

    def section(x: int) -> str:
        out, zero = "", False
        for i, d in enumerate(f"{x:04d}"):
            if d == "0":
                zero = zero or bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += digits[int(d)] + units[i]
        return out

    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    text = section(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + section(low)
    return text


@given(st.integers(min_value=0, max_value=99_999_999), st.booleans())
def test_chinese_numerals_in_yuan(n: int, upper: bool) -> None:
    assert parse_amount(_chinese(n, upper) + "元") == D(n) / 10000


@given(st.text(max_size=20))
def test_parse_amount_only_ever_raises_amount_error(text: str) -> None:
    try:
        result = parse_amount(text)
    except AmountError as error:
        assert error.message and error.message_en
    else:
        assert result.is_finite()


# ======================================================================================
# indicator values: the seed form (广州市协作办公室), every value of 绩效指标
# ======================================================================================

SEED_GRADED = "10次以上优秀；8-10次良好；5-8次合格"


@pytest.mark.parametrize(
    ("text", "kind", "comparator", "number", "multiplier", "unit", "value"),
    [
        ("78个", ValueKind.QUANTITATIVE, None, D(78), 1, "个", D(78)),
        ("2亿元", ValueKind.QUANTITATIVE, None, D(2), 10**8, "元", D(200000000)),
        ("5亿元", ValueKind.QUANTITATIVE, None, D(5), 10**8, "元", D(500000000)),
        ("≥8000人", ValueKind.QUANTITATIVE, "≥", D(8000), 1, "人", D(8000)),
        ("≥1.4万人", ValueKind.QUANTITATIVE, "≥", D("1.4"), 10**4, "人", D(14000)),
        ("≥3万人", ValueKind.QUANTITATIVE, "≥", D(3), 10**4, "人", D(30000)),
        ("≥10万人", ValueKind.QUANTITATIVE, "≥", D(10), 10**4, "人", D(100000)),
        ("≥90%", ValueKind.QUANTITATIVE, "≥", D(90), 1, "%", D(90)),
        ("每年4月底前", ValueKind.DEADLINE, None, None, 1, "", None),
        ("广州市对口帮扶工作的社会影响力较好", ValueKind.QUALITATIVE, None, None, 1, "", None),
        ("影响力较好", ValueKind.QUALITATIVE, None, None, 1, "", None),
        ("", ValueKind.EMPTY, None, None, 1, "", None),
    ],
)
def test_seed_values(
    text: str, kind: ValueKind, comparator: str | None, number: Decimal | None,
    multiplier: int, unit: str, value: Decimal | None,
) -> None:
    v = parse_value(text)
    assert v.raw == text
    assert v.kind is kind
    assert v.comparator == comparator
    assert v.number == number
    assert v.multiplier == multiplier
    assert v.unit == unit
    assert v.value == value
    assert v.problems == ()
    assert v.bands == ()


def test_seed_graded_value() -> None:
    v = parse_value(SEED_GRADED)
    assert v.kind is ValueKind.GRADED
    assert v.unit == "次"
    assert v.comparator is None and v.number is None and v.value is None
    assert v.problems == ()
    assert v.bands == (
        Band("优秀", D(10), None, True, False, "次", "10次以上优秀"),
        Band("良好", D(8), D(10), True, True, "次", "8-10次良好"),
        Band("合格", D(5), D(8), True, True, "次", "5-8次合格"),
    )


def test_seed_graded_bands_overlap_at_10_and_8() -> None:
    bands = parse_value(SEED_GRADED).bands
    issues = overlaps_and_gaps(bands)
    assert issues == [
        BandIssue("overlap", bands[0], bands[1], "10次"),
        BandIssue("overlap", bands[1], bands[2], "8次"),
    ]
    assert issues[0].message == "「10次以上优秀」与「8-10次良好」在 10次 重叠"
    assert issues[0].message_en == 'bands "10次以上优秀" and "8-10次良好" overlap at 10次'


def test_seed_money_values_in_wan_yuan() -> None:
    assert parse_value("2亿元").amount_in_wan_yuan() == D(20000)
    assert parse_value("5亿元").amount_in_wan_yuan() == D(50000)
    assert parse_value("≥1.4万人").amount_in_wan_yuan() is None
    assert parse_value("≥90%").amount_in_wan_yuan() is None


def test_seed_percent() -> None:
    assert parse_value("≥90%").is_percent
    assert not parse_value("78个").is_percent
    assert not parse_value("影响力较好").is_percent


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (SEED_GRADED, "协助国内各地市来穗开展招商推介和经贸考察交流活动次数", "≥10次"),
        ("78个", "广州对口帮扶省内镇数量", "≥78个"),
        ("2亿元", "国内省市企业达成经贸签约数额", "≥2亿元"),
        ("5亿元", "广州企业达成经贸签约数额", "≥5亿元"),
        ("≥8000人", "驻镇帮镇扶村帮助已脱贫人口实现就业数", None),
        ("≥1.4万人", "帮助转移就业人数", None),
        ("≥90%", "产业园服务企业满意度", None),
        ("每年4月底前", "东西部协作资金下达时限", None),
        ("影响力较好", "广州市对口帮扶工作的社会影响力", None),
        ("", "质量指标", None),
    ],
)
def test_seed_suggestions(text: str, name: str, expected: str | None) -> None:
    assert suggest(parse_value(text), name) == expected


@pytest.mark.parametrize(
    "text",
    ["78个", "2亿元", "≥8000人", "≥1.4万人", "≥3万人", "≥10万人", "≥90%", "每年4月底前",
     "影响力较好", SEED_GRADED],
)
def test_seed_values_format_unchanged(text: str) -> None:
    assert format_value(parse_value(text)) == text


# ======================================================================================
# comparators
# ======================================================================================


@pytest.mark.parametrize(
    ("text", "comparator", "source"),
    [
        ("≥90%", "≥", "≥"),
        (">=90%", "≥", ">="),
        ("=>90%", "≥", "=>"),
        ("≧90%", "≥", "≥"),  # look-alikes are folded before anything reads them
        ("⩾90%", "≥", "≥"),
        ("＞＝90%", "≥", ">="),
        ("≤5%", "≤", "≤"),
        ("<=5%", "≤", "<="),
        ("=<5%", "≤", "=<"),
        ("≦5%", "≤", "≤"),
        ("＝100%", "＝", "="),
        ("=100%", "＝", "="),
        ("＞90%", "＞", ">"),
        (">90%", "＞", ">"),
        ("＜5%", "＜", "<"),
        ("<5%", "＜", "<"),
        ("不低于90%", "≥", "不低于"),
        ("不少于10次", "≥", "不少于"),
        ("不小于10次", "≥", "不小于"),
        ("至少10次", "≥", "至少"),
        ("10次以上", "≥", "以上"),
        ("95%及以上", "≥", "及以上"),
        ("达到95%", "≥", "达到"),
        ("不高于5%", "≤", "不高于"),
        ("不超过90万元", "≤", "不超过"),
        ("不多于3次", "≤", "不多于"),
        ("5%以内", "≤", "以内"),
        ("5%以下", "≤", "以下"),
        ("5%及以下", "≤", "及以下"),
        ("控制在5%以内", "≤", "控制在…以内"),
        ("控制在5%", "≤", "控制在"),
        ("等于100%", "＝", "等于"),
        ("为100%", "＝", "为"),
        ("≥95%以上", "≥", "≥…以上"),  # redundant but consistent
    ],
)
def test_comparators(text: str, comparator: str, source: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE
    assert v.comparator == comparator
    assert v.comparator_source == source
    assert v.problems == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">=90%", "≥90%"),
        ("≥ 90 %", "≥90%"),
        ("≥９０％", "≥90%"),
        ("95%以上", "≥95%"),
        ("不低于95%", "≥95%"),
        ("控制在5%以内", "≤5%"),
        ("=100%", "＝100%"),
        (">90%", "＞90%"),
        ("<5%", "＜5%"),
        ("≥100百分比", "≥100%"),
        ("8,000人", "8000人"),
        ("≥ 1.4 万 人", "≥1.4万人"),
        ("≥1.40万人", "≥1.40万人"),  # the number as written
        ("90%-95%", "90%-95%"),
        ("8-10次", "8-10次"),
        ("  较好 ", "较好"),
        ("=>=90%", "=>=90%"),  # malformed values come back as written
        ("", ""),
    ],
)
def test_format_value(text: str, expected: str) -> None:
    assert format_value(parse_value(text)) == expected


@given(
    st.sampled_from([
        (">=", "≥"), ("≥", "≥"), ("=>", "≥"), ("≧", "≥"), ("<=", "≤"), ("≤", "≤"),
        ("=<", "≤"), ("≦", "≤"), ("=", "＝"), ("＝", "＝"), (">", "＞"), ("<", "＜"), ("", None),
    ]),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "人", "个", "次", "万元", "元", "天", "万人", "亿元", "人次", ""]),
)
def test_quantitative_round_trip(pair: tuple[str, str | None], number: Decimal, unit: str) -> None:
    written, comparator = pair
    text = f"{written}{format(number, 'f')}{unit}"
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE
    assert v.problems == ()
    assert v.comparator == comparator
    multiplier = {"万元": 10**4, "万人": 10**4, "亿元": 10**8}.get(unit, 1)
    assert v.number == number
    assert v.multiplier == multiplier
    assert v.value == number * multiplier
    reparsed = parse_value(format_value(v))
    assert (reparsed.comparator, reparsed.number, reparsed.multiplier, reparsed.unit) == (
        v.comparator, v.number, v.multiplier, v.unit,
    )


# ======================================================================================
# numbers, units, magnitudes
# ======================================================================================


@pytest.mark.parametrize(
    ("text", "number", "multiplier", "unit", "wan_yuan"),
    [
        ("28.8万元", D("28.8"), 10**4, "元", D("28.8")),
        ("＝6万元", D(6), 10**4, "元", D(6)),
        ("≤90万元", D(90), 10**4, "元", D(90)),
        ("1.2千万元", D("1.2"), 10**7, "元", D(1200)),
        ("3百万元", D(3), 10**6, "元", D(300)),
        ("5000元", D(5000), 1, "元", D("0.5")),
        ("≥5千人", D(5), 1000, "人", None),
        ("5千克", D(5), 1, "千克", None),  # 千克 is a unit, not 千 × 克
        ("3千米", D(3), 1, "千米", None),
        ("100元/人", D(100), 1, "元/人", None),  # a rate, not an amount
        ("≥1.4万人次", D("1.4"), 10**4, "人次", None),
        ("3个月", D(3), 1, "个月", None),
        ("≤1小时", D(1), 1, "小时", None),
        ("≥99.9%", D("99.9"), 1, "%", None),
        ("≤0", D(0), 1, "", None),
        ("≤-5%", D(-5), 1, "%", None),
        ("1", D(1), 1, "", None),
        ("8,000人", D(8000), 1, "人", None),
        ("≥100百分比", D(100), 1, "%", None),
        ("≥95%(含)", D(95), 1, "%", None),
    ],
)
def test_numbers_and_units(
    text: str, number: Decimal, multiplier: int, unit: str, wan_yuan: Decimal | None,
) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE
    assert v.problems == ()
    assert (v.number, v.multiplier, v.unit) == (number, multiplier, unit)
    assert v.amount_in_wan_yuan() == wan_yuan


def test_range_without_grades_is_one_unlabelled_band() -> None:
    v = parse_value("90%-95%")
    assert v.kind is ValueKind.QUANTITATIVE
    assert v.number is None and v.comparator is None
    assert v.unit == "%"
    assert v.bands == (Band("", D(90), D(95), True, True, "%", "90%-95%"),)
    assert suggest(v) is None


# ======================================================================================
# deadlines and qualitative values
# ======================================================================================


@pytest.mark.parametrize(
    "text",
    [
        "每年4月底前",
        "12月31日前",
        "按月安排",
        "30个工作日内",
        "2025年6月底前完成",
        "30天内",
        "年内完成",
        "在项目计划完成时间内完成",
        "6月",
        "2025年",
        "每月10日前",
        "15号",
        "上半年",
        "第三季度",
        "**月**日前",
        "定期",
        "按时",
    ],
)
def test_deadlines(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.DEADLINE
    assert v.number is None and v.comparator is None
    assert format_value(v) == text
    assert suggest(v) is None


def test_placeholder_deadline_is_flagged() -> None:
    assert parse_value("**月**日前").problems == ("placeholder",)
    assert parse_value("XX月XX日前").problems == ("placeholder",)
    assert parse_value("12月31日前").problems == ()


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [("≤30天", D(30), "天"), ("10天", D(10), "天"), ("30天以内", D(30), "天"),
     ("3年", D(3), "年"), ("≤3个工作日", D(3), "个工作日")],
)
def test_durations_are_quantitative(text: str, number: Decimal, unit: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE
    assert (v.number, v.unit) == (number, unit)


@pytest.mark.parametrize(
    "text",
    ["较好", "好", "有所提升", "稳步提高", "应保尽保", "达成预期指标", "达到预期", "效果明显",
     "优/良/中/低/差", "优", "进一步完善", "拓宽", "推动全省提高", "合规", "按规定公开",
     "走在全国全省前列", "及时", "健全"],
)
def test_qualitative(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUALITATIVE
    assert v.problems == ()
    assert suggest(v) is None


@pytest.mark.parametrize("text", ["", " ", "\u3000", "\n\t"])
def test_empty(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.EMPTY
    assert format_value(v) == ""
    assert suggest(v) is None


# ======================================================================================
# problems
# ======================================================================================


@pytest.mark.parametrize(
    ("text", "problems", "number", "unit"),
    [
        ("≥≤90%", ("malformed_comparator",), D(90), "%"),
        ("=>=90%", ("malformed_comparator",), D(90), "%"),
        ("≥=90%", ("malformed_comparator",), D(90), "%"),
        ("<>5%", ("malformed_comparator",), D(5), "%"),
        ("≥90%以下", ("malformed_comparator",), D(90), "%"),
        ("不低于≤90%", ("malformed_comparator",), D(90), "%"),
        ("1.2.3万人", ("two_decimal_points",), None, "人"),
        ("≥1.2.3万人", ("two_decimal_points",), None, "人"),
        ("≥", ("unparsable_number",), None, ""),
        ("≥较好", ("unparsable_number",), None, ""),
        ("1,,000人", ("unparsable_number",), None, "人"),
        ("完成3项改革任务", ("extra_text",), D(3), "项"),
        ("约90%左右", ("extra_text",), D(90), "%"),
    ],
)
def test_problems(text: str, problems: tuple[str, ...], number: Decimal | None, unit: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE
    assert v.problems == problems
    assert v.number == number
    assert v.unit == unit
    if "malformed_comparator" in problems:
        assert v.comparator is None
        assert v.comparator_source


def test_malformed_comparator_keeps_what_was_written() -> None:
    assert parse_value("≥≤90%").comparator_source == "≥≤"
    assert parse_value("≥90%以下").comparator_source == "≥…以下"


# ======================================================================================
# graded values
# ======================================================================================


@pytest.mark.parametrize(
    "text",
    [
        "10次以上优秀;8-10次良好;5-8次合格",
        "10次以上优秀，8-10次良好，5-8次合格",
        "10次以上优秀,8-10次良好,5-8次合格",
        "10次以上优秀、8-10次良好、5-8次合格",
        "10次以上优秀\n8-10次良好\n5-8次合格",
        "10次以上优秀；\n8-10次良好；\n5-8次合格。",
        "10次以上为优秀；8-10次为良好；5-8次为合格",
        "优秀：10次以上；良好：8-10次；合格：5-8次",
        "优秀(10次以上)；良好(8-10次)；合格(5-8次)",
        "10次以上，优秀；8-10次，良好；5-8次，合格",
        "优秀，10次以上；良好，8-10次；合格，5-8次",
        "10次以上优秀；8~10次良好；5至8次合格",
        "10次及以上优秀；8次-10次良好；5次到8次合格",
        "≥10次优秀；8-10次良好；5-8次合格",
    ],
)
def test_graded_notations(text: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.GRADED
    assert v.problems == ()
    assert v.unit == "次"
    assert [(b.label, b.low, b.high, b.low_inclusive, b.high_inclusive, b.unit) for b in v.bands] == [
        ("优秀", D(10), None, True, False, "次"),
        ("良好", D(8), D(10), True, True, "次"),
        ("合格", D(5), D(8), True, True, "次"),
    ]
    assert [i.at for i in overlaps_and_gaps(v.bands)] == ["10次", "8次"]
    assert suggest(v) == "≥10次"


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("≥95%优；90%-95%良；85%-90%中；<85%差", ["优", "良", "中", "差"]),
        ("≥90%合格；<90%不合格", ["合格", "不合格"]),
        ("≥90%及格；<90%不及格", ["及格", "不及格"]),
        ("10次以上优秀；5-9次一般；5次以下较差", ["优秀", "一般", "较差"]),
    ],
)
def test_grade_words(text: str, labels: list[str]) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.GRADED
    assert [b.label for b in v.bands] == labels


def test_graded_percent_bands() -> None:
    v = parse_value("优：≥95%；良：90%-95%；中：85%-90%；差：<85%")
    assert v.kind is ValueKind.GRADED
    assert v.unit == "%"
    assert v.bands[3] == Band("差", None, D(85), False, False, "%", "差:<85%")
    assert [(i.kind, i.at) for i in overlaps_and_gaps(v.bands)] == [
        ("overlap", "95%"), ("overlap", "90%"),
    ]
    assert suggest(v) == "≥95%"


def test_single_band_rubric_is_graded() -> None:
    v = parse_value("95%以上良好")
    assert v.kind is ValueKind.GRADED
    assert v.bands == (Band("良好", D(95), None, True, False, "%", "95%以上良好"),)
    assert suggest(v) == "≥95%"


def test_graded_with_unparsable_band() -> None:
    v = parse_value("10次以上优秀；8到十次良好")
    assert v.kind is ValueKind.GRADED
    assert v.problems == ("unparsable_band",)
    assert v.bands[1].label == "良好" and not v.bands[1].is_numeric


def test_graded_catch_all_band_is_no_problem() -> None:
    v = parse_value("10次以上优秀；其他不合格")
    assert v.kind is ValueKind.GRADED
    assert v.problems == ()
    assert v.bands[1] == Band("不合格", None, None, False, False, "", "其他不合格")


def test_grade_word_inside_other_words_is_not_a_rubric() -> None:
    assert parse_value("优化3项流程").kind is ValueKind.QUANTITATIVE
    assert parse_value("中央资金100%到位").kind is ValueKind.QUANTITATIVE


def test_graded_units_fill_in() -> None:
    v = parse_value("≥90%优秀；80-90良好")
    assert [b.unit for b in v.bands] == ["%", "%"]
    assert v.unit == "%"


def test_graded_magnitude_unit() -> None:
    v = parse_value("1万人以上优秀；5000-10000人良好")
    assert v.kind is ValueKind.GRADED
    assert v.bands[0] == Band("优秀", D(1), None, True, False, "万人", "1万人以上优秀")
    assert [i.at for i in overlaps_and_gaps(v.bands)] == ["1万人"]  # 10000 is in both
    assert suggest(v) == "≥1万人"


# ======================================================================================
# overlaps and gaps
# ======================================================================================


def _bands(text: str) -> tuple[Band, ...]:
    v = parse_value(text)
    assert v.kind is ValueKind.GRADED
    return v.bands


def test_clean_bands_have_no_issues() -> None:
    assert overlaps_and_gaps(_bands("＞10次优秀；8-10次良好；5-7次合格")) == []


def test_integer_count_bands_leave_no_gap() -> None:
    assert overlaps_and_gaps(_bands("5-7次合格；8-10次良好；11次以上优秀")) == []


def test_gap_between_count_bands() -> None:
    bands = _bands("10次以上优秀；5-8次合格")
    assert overlaps_and_gaps(bands) == [BandIssue("gap", bands[0], bands[1], "(8次, 10次)")]


def test_gap_between_percent_bands() -> None:
    bands = _bands("≥95%优；85%-90%良")
    issues = overlaps_and_gaps(bands)
    assert [(i.kind, i.first.label, i.second.label, i.at) for i in issues] == [
        ("gap", "优", "良", "(90%, 95%)"),
    ]
    assert "空档" in issues[0].message
    assert "gap" in issues[0].message_en


def test_point_gap_when_both_ends_exclusive() -> None:
    bands = _bands("＞10次优秀；5-10次(不含)良好")
    assert bands[1].high_inclusive is False
    assert overlaps_and_gaps(bands) == [BandIssue("gap", bands[0], bands[1], "10次")]


def test_inclusive_mark_closes_a_point_gap() -> None:
    bands = _bands("＞10次(含)优秀；5-10次(不含)良好")
    assert bands[0].low_inclusive is True
    assert overlaps_and_gaps(bands) == []


def test_range_overlap() -> None:
    bands = _bands("80%-100%优秀；70%-90%良好")
    assert overlaps_and_gaps(bands) == [BandIssue("overlap", bands[0], bands[1], "[80%, 90%]")]


def test_unbounded_overlap() -> None:
    bands = _bands("≥80%优秀；≥70%良好")
    assert [i.at for i in overlaps_and_gaps(bands)] == ["[80%, +∞)"]


def test_bands_order_does_not_matter_for_detection() -> None:
    bands = _bands("5-8次合格；8-10次良好；10次以上优秀")
    issues = overlaps_and_gaps(bands)
    assert [(i.first.label, i.second.label, i.at) for i in issues] == [
        ("合格", "良好", "8次"), ("良好", "优秀", "10次"),
    ]


def test_different_units_are_not_compared() -> None:
    bands = (
        Band("优秀", D(10), None, True, False, "次", "10次以上优秀"),
        Band("良好", D(8), D(90), True, True, "%", "8%-90%良好"),
    )
    assert overlaps_and_gaps(bands) == []


def test_hand_built_bands() -> None:
    low = Band("合格", D(5), D(8), True, False, "", "5-8")
    high = Band("优秀", D(8), None, True, False, "", "8以上")
    assert overlaps_and_gaps([low, high]) == []
    assert overlaps_and_gaps([Band("合格", D(5), D(8), True, False, "", "r"),
                              Band("优秀", D(8), None, False, False, "", "s")]) == [
        BandIssue("gap", Band("合格", D(5), D(8), True, False, "", "r"),
                  Band("优秀", D(8), None, False, False, "", "s"), "8"),
    ]


# ======================================================================================
# suggest
# ======================================================================================


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("78个", "", "≥78个"),
        ("78个", "广州对口帮扶省内镇数量", "≥78个"),
        ("90万元", "项目总成本", "≤90万元"),
        ("10次", "科目调整次数", "≤10次"),
        ("5%", "结余率", "≤5%"),
        ("1小时", "平均故障响应时间", "≤1小时"),
        ("0", "“三公经费”变动率", "≤0"),
        ("100%", "在职人员控制率", "≤100%"),
        ("10%", "成本节约率", "≥10%"),  # 节约 makes a cost word 正向
        ("100%", "发放时间达标率", "＝100%"),
        ("95%", "资金支出率", "≥95%"),  # 支出 alone is not 反向
        ("100%", "资金到位率", "＝100%"),
        ("≥100百分比", "合格率", "＝100%"),
        ("≥100%", "委托业务报告合格率", "＝100%"),
        ("＞100%", "完成率", "＝100%"),
        ("≥120%", "增长率", None),
        (">=98%", "覆盖率", "≥98%"),
        ("95%以上", "满意度", "≥95%"),
        ("=100%", "资金到位率", None),  # = and ＝ differ only in width: nothing to fix
        ("＝100%", "资金到位率", None),
        ("≥90%", "满意度", None),
        ("=>=90%", "", "≥90%"),
        ("=<=5%", "", "≤5%"),
        ("≥≤90%", "", None),
        ("≥90%以下", "", None),
        ("1.2.3万人", "", None),
        ("完成3项改革任务", "", None),
        ("90%-95%", "", None),
        ("较好", "", None),
        ("每年4月底前", "", None),
        ("≥80%优秀；60%-80%良好", "", "≥80%"),
        ("≤1小时优秀；1-2小时良好；2小时以上差", "平均响应时间", "≤1小时"),
        ("100%优秀；90%-99%良好", "", "＝100%"),
        ("其他情况优秀；不合格", "", None),
    ],
)
def test_suggest(text: str, name: str, expected: str | None) -> None:
    assert suggest(parse_value(text), name) == expected


# ======================================================================================
# kinds, word lists, data classes
# ======================================================================================


def test_value_kind_labels() -> None:
    assert [k.zh for k in ValueKind] == ["空", "定量", "定性", "时效", "分档"]
    assert ValueKind.QUANTITATIVE == "quantitative"


def test_vague_words() -> None:
    for word in ("进一步", "稳步", "有所", "逐步", "不断", "明显", "拓宽", "提高", "较好", "良好"):
        assert word in VAGUE_WORDS
    assert find_vague_words("稳步提高") == ("稳步", "提高")
    assert find_vague_words("广州市对口帮扶工作的社会影响力较好") == ("较好",)
    assert find_vague_words("应保尽保") == ()


def test_values_are_frozen() -> None:
    v = parse_value("≥90%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.number = D(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_value(SEED_GRADED).bands[0].low = D(1)  # type: ignore[misc]


def test_indicator_value_properties_on_hand_built_value() -> None:
    v = IndicatorValue(raw="x", kind=ValueKind.QUANTITATIVE, number=D("2.5"), multiplier=10**8,
                       unit="元")
    assert v.value == D(250000000)
    assert v.amount_in_wan_yuan() == D(25000)
    assert not v.is_percent


@given(st.text(max_size=30))
def test_parse_value_never_raises(text: str) -> None:
    v = parse_value(text)
    assert isinstance(v.kind, ValueKind)
    assert isinstance(format_value(v), str)
    suggestion = suggest(v, text)
    assert suggestion is None or isinstance(suggestion, str)
    overlaps_and_gaps(v.bands)


@given(st.lists(st.sampled_from(["10次以上优秀", "8-10次良好", "5-8次合格", "≥3次差", "<2次不合格",
                                 "2-4次及格", "其他中", "优", "，", "；"]), max_size=8, unique=True))
def test_random_rubrics_never_raise(parts: list[str]) -> None:
    v = parse_value("；".join(parts))
    for issue in overlaps_and_gaps(v.bands):
        assert issue.kind in ("overlap", "gap")
        assert issue.first in v.bands and issue.second in v.bands
        assert v.bands.index(issue.first) < v.bands.index(issue.second)


# --- text safety and limits ------------------------------------------------------------------

def test_bidi_and_control_characters_are_removed_from_cell_text() -> None:
    from form_model.normalize import clean_cell_text

    assert clean_cell_text("广州市\u202e协作办公室\u2066\x07") == "广州市协作办公室"
    assert clean_cell_text("a\tb\nc\ufeff") == "a\tb\nc"


def test_text_limits_name_the_field() -> None:
    from form_model.limits import too_long

    assert too_long("department", "局" * 100) is None
    limit = too_long("department", "局" * 101)
    assert limit is not None and limit.label_zh == "部门名称" and limit.max_chars == 100
    assert too_long("unknown_field", "x" * 10**6) is None


# --- comparator look-alikes, as staff's workbooks hold them -----------------------------------

@pytest.mark.parametrize(
    ("text", "normal", "comparator"),
    [
        ("≧95％", "≥95%", "≥"),
        ("≦5％", "≤5%", "≤"),
        ("⩾90%", "≥90%", "≥"),
        ("⩽3天", "≤3天", "≤"),
        ("＞90％", "＞90%", "＞"),
        ("＜3个", "＜3个", "＜"),
        ("＝100％", "＝100%", "＝"),
        ("≧ 1.4 万人", "≥1.4万人", "≥"),
    ],
)
def test_look_alike_comparators_are_normalised(text: str, normal: str, comparator: str) -> None:
    v = parse_value(text)
    assert v.kind is ValueKind.QUANTITATIVE and v.problems == ()
    assert v.comparator == comparator and format_value(v) == normal


def test_look_alikes_in_a_rubric_are_normalised() -> None:
    v = parse_value("≧10次优秀；5-10次良好；≦5次合格")
    assert v.kind is ValueKind.GRADED
    assert format_value(v) == "≥10次优秀；5-10次良好；≤5次合格"
    assert suggest(v) == "≥10次"


def test_look_alike_malformed_comparator_is_still_malformed() -> None:
    assert parse_value("≧≦90%").problems == ("malformed_comparator",)


def test_a_zero_marking_a_gap_before_digits_with_their_own_unit() -> None:
    from form_model.amounts import parse_amount

    assert parse_amount("2亿零500万") == parse_amount("2亿500万") == 20500
    assert parse_amount("1亿零5百万") == 10500
    with pytest.raises(AmountError):
        parse_amount("1万零5")  # not 1万5: refused rather than misread
