"""Swedish personal identity numbers are recognised anywhere in a value and rejected."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.pii import (find_personal_number, forbidden_columns, reject_forbidden_columns,
                                reject_personal_numbers)


def check_digit(nine: str) -> str:
    """Independent Luhn: double every other digit from the left, add the digit sums."""
    total = 0
    for i, char in enumerate(nine):
        value = int(char) * (2 - i % 2)
        total += sum(divmod(value, 10))
    return str((10 - total % 10) % 10)


# Worked by hand with check_digit (asserted below, so the data cannot drift):
# 811218-987 -> 6; 121212-121 -> 2 (Skatteverket's "Tolvan"); 070101-238 -> 7;
# 070161-238 -> 4 (samordningsnummer: day 01 + 60).
VALID = ["811218-9876", "121212-1212", "121212+1212", "0701012387", "070161-2384",
         "19121212-1212", "200701012387", "19811218+9876"]
WRONG_CHECK_DIGIT = ["811218-9875", "1212121213", "0701012384", "20070101-2380"]


def test_examples_are_what_they_claim():
    for number in VALID:
        digits = number.replace("-", "").replace("+", "")[-10:]
        assert check_digit(digits[:9]) == digits[9], number
    for number in WRONG_CHECK_DIGIT:
        digits = number.replace("-", "").replace("+", "")[-10:]
        assert check_digit(digits[:9]) != digits[9], number


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_are_found_alone_and_in_text(number):
    assert find_personal_number(number)
    assert find_personal_number(f"flickan {number} reste")
    assert find_personal_number(f"pnr:{number}.")


@pytest.mark.parametrize("number", WRONG_CHECK_DIGIT)
def test_wrong_check_digit_is_not_a_personal_number(number):
    assert not find_personal_number(number)
    assert not find_personal_number(f"flickan {number} reste")


@pytest.mark.parametrize("text", [
    "", None, "2025-01-01", "2025-01-01 till 2025-12-31", "20250101", "ärende 12345",
    "3 barn, 2 vuxna", "tel 08-530 610 00",
    "00701012387",  # eleven digits: part of a longer number, not a personal number
    "8112189876543",  # thirteen digits
])
def test_ordinary_text_and_dates_are_not_flagged(text):
    assert not find_personal_number(text)


def test_implausible_dates_and_centuries_are_not_flagged():
    # Luhn-valid ten digits, but month 13 / day 32 / day 92 are no birth dates.
    for nine in ("811318987", "811232987", "811292987"):
        assert not find_personal_number(nine + check_digit(nine))
    # Twelve digits need the century 18, 19 or 20.
    assert not find_personal_number("21" + "0701012387")
    assert find_personal_number("20" + "0701012387")


@settings(max_examples=80, deadline=None)
@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
       serial=st.integers(0, 999), coordination=st.booleans(),
       sep=st.sampled_from(["", "-", "+", " "]), century=st.booleans(),
       prefix=st.text(alphabet="abc åäö.:,(", max_size=6),
       suffix=st.text(alphabet="abc åäö.:,)", max_size=6))
def test_every_generated_number_is_found_and_a_wrong_digit_is_not(
        day, serial, coordination, sep, century, prefix, suffix):
    nine = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}{serial:03d}"
    good = check_digit(nine)
    bad = str((int(good) + 1) % 10)
    head = f"{day.year // 100}" if century else ""
    write = lambda last: f"{prefix}{head}{nine[:6]}{sep}{nine[6:]}{last}{suffix}"  # noqa: E731
    assert find_personal_number(write(good))
    assert not find_personal_number(write(bad))


def test_reject_names_the_field_and_never_repeats_the_number():
    reject_personal_numbers("inga nummer här", "notes")
    with pytest.raises(ValidationError) as caught:
        reject_personal_numbers("flickan 0701012387 reste", "notes", line=4)
    error = caught.value
    assert error.exit_code == 5
    assert [(p.field, p.line) for p in error.problems] == [("notes", 4)]
    assert "0701012387" not in str(error)
    assert "070101" not in error.problems[0].reason


def test_rejection_is_translated():
    try:
        i18n.set_language("sv")
        with pytest.raises(ValidationError) as sv:
            reject_personal_numbers("121212-1212", "notes")
        i18n.set_language("en")
        with pytest.raises(ValidationError) as en:
            reject_personal_numbers("121212-1212", "notes")
    finally:
        i18n.set_language("sv")
    assert "personnummer" in sv.value.problems[0].reason
    assert "personal identity number" in en.value.problems[0].reason


def test_forbidden_columns_any_case_and_spacing():
    # "personnummer" is the Swedish name of the abroad format's person column (pseudonymised)
    header = ["Namn", " personnummer ", "PERSONAL_NUMBER", "name", "Personal number",
              "gender", "namnbyte", "case_ref", "kön"]
    assert forbidden_columns(header) == ["Namn", "PERSONAL_NUMBER", "name", "Personal number"]
    assert forbidden_columns(["case_ref", "kön", "notes"]) == []


def test_reject_forbidden_columns_lists_each_column():
    reject_forbidden_columns(["gender", "status"])
    with pytest.raises(ValidationError) as caught:
        reject_forbidden_columns(["gender", "NAMN", "personal number"])
    assert [(p.field, p.line) for p in caught.value.problems] == [("NAMN", 1),
                                                                  ("personal number", 1)]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in text)


def _in_script(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize("number", VALID)
def test_one_space_as_separator_is_found(number):
    spaced = number.replace("-", " ").replace("+", " ")
    if " " not in spaced:  # written without separator: put the space before the last four
        spaced = f"{spaced[:-4]} {spaced[-4:]}"
    assert find_personal_number(spaced)
    assert find_personal_number(f"flickan {spaced} reste")
    assert find_personal_number(spaced.replace(" ", "\u00a0"))  # a no-break space (NFKC)


@pytest.mark.parametrize("number", VALID)
@pytest.mark.parametrize("write", [
    _full_width,
    lambda t: _in_script(t, 0x0660),   # Arabic-Indic
    lambda t: _in_script(t, 0x06F0),   # Eastern Arabic-Indic (Persian)
    lambda t: _in_script(t, 0x0966),   # Devanagari
    lambda t: t.replace("-", "\u2013"),  # an en dash, as word processors put it
    lambda t: _full_width(t).replace("-", "\uff0d").replace("+", "\uff0b"),
], ids=["full-width", "arabic-indic", "persian", "devanagari", "en-dash", "full-width-signs"])
def test_other_unicode_digits_and_signs_are_found(number, write):
    written = write(number)
    assert written != number or "-" not in number
    assert find_personal_number(written)
    assert find_personal_number(f"pnr: {written}.")


@pytest.mark.parametrize("number", WRONG_CHECK_DIGIT)
def test_normalisation_keeps_the_checksum(number):
    assert not find_personal_number(_full_width(number))
    assert not find_personal_number(_in_script(number, 0x0660))
    assert not find_personal_number(number.replace("-", " "))


@pytest.mark.parametrize("text", [
    "tel 08-530 610 00", "2025-01-01 1212", "ärende 1234 5678", "１２３", "kl. ０８:３０",
    "postnr 147 85, box 811218",  # digits, but not ten in the shape YYMMDD NNNN
])
def test_spaced_and_unicode_text_that_is_no_number_is_not_flagged(text):
    assert not find_personal_number(text)


def test_a_spaced_or_full_width_number_is_rejected_without_being_repeated():
    with pytest.raises(ValidationError) as caught:
        reject_personal_numbers("flickan ０７０１０１ ２３８７ reste", "notes", line=2)
    assert [(p.field, p.line) for p in caught.value.problems] == [("notes", 2)]
    assert "２３８７" not in str(caught.value) and "2387" not in str(caught.value)
