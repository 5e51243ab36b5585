"""Disaggregation cells and their canonical keys (SPEC §4.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.measurement.cells import TOTAL, CellError, cell_key, check_cell, parse_cell_key

ALLOWED = {"race": {"black", "white", "hispanic"}, "sex": {"f", "m"}}

# Codes as they come from files: anything but the reserved '=' and ';', without surrounding
# whitespace (which cell_key strips) and never blank.
codes = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="=;"),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)
cells = st.dictionaries(codes, codes, max_size=5)
blanks = st.sampled_from([None, "", " ", "\t", "  \n"])


# --- keys -------------------------------------------------------------------------------------


def test_the_total_is_the_empty_key():
    assert TOTAL == ""
    assert cell_key({}) == TOTAL
    assert parse_cell_key(TOTAL) == {}


def test_key_sorts_pairs_by_dimension_code():
    assert cell_key({"sex": "f", "race": "black"}) == "race=black;sex=f"
    assert cell_key({"race": "black", "sex": "f"}) == "race=black;sex=f"
    assert cell_key({"sex": "f"}) == "sex=f"
    assert cell_key({"z": "1", "a": "2", "m": "3"}) == "a=2;m=3;z=1"


def test_blank_values_are_dropped_as_a_total_over_that_dimension():
    assert cell_key({"race": "", "sex": "f"}) == "sex=f"
    assert cell_key({"race": None, "sex": "f"}) == "sex=f"
    assert cell_key({"race": "   ", "sex": ""}) == TOTAL
    assert cell_key({"race": None}) == TOTAL


def test_surrounding_whitespace_is_stripped_from_codes_and_values():
    assert cell_key({" sex ": " f ", "race\t": "black\n"}) == "race=black;sex=f"


def test_values_that_are_not_text_are_written_as_text():
    """A spreadsheet cell holding the grade 3 arrives as the number 3."""
    assert cell_key({"grade": 3}) == "grade=3"
    assert cell_key({"grade": 0, "sex": "f"}) == "grade=0;sex=f"


@pytest.mark.parametrize(
    "pairs",
    [
        {"se=x": "f"},
        {"sex": "f=m"},
        {"se;x": "f"},
        {"sex": "f;race=black"},
        {"": "f"},
        {"   ": "f"},
        {"sex": "="},
    ],
)
def test_reserved_characters_and_blank_dimensions_are_refused(pairs):
    with pytest.raises(CellError):
        cell_key(pairs)


def test_a_reserved_character_in_a_blank_pair_does_not_matter():
    # The pair is dropped as a total before its dimension code is looked at.
    assert cell_key({"se=x": "", "race": "black"}) == "race=black"


def test_parse_cell_key():
    assert parse_cell_key("race=black;sex=f") == {"race": "black", "sex": "f"}
    assert parse_cell_key("sex=f") == {"sex": "f"}


@pytest.mark.parametrize(
    "key",
    ["race", "race=", "=black", "race=black;", ";race=black", "race=black;race=white", "a=b=c"],
)
def test_malformed_keys_are_refused(key):
    with pytest.raises(CellError, match="is not a cell key"):
        parse_cell_key(key)


def test_cell_error_is_a_value_error():
    assert issubclass(CellError, ValueError)


# --- checking a cell against an indicator's dimensions ---------------------------------------


def test_check_cell_accepts_the_total_and_known_pairs():
    check_cell(TOTAL, ALLOWED)
    check_cell(TOTAL, {})
    check_cell("race=black", ALLOWED)
    check_cell("race=hispanic;sex=m", ALLOWED)


def test_check_cell_refuses_an_unknown_dimension():
    with pytest.raises(CellError) as caught:
        check_cell("grade=3", ALLOWED)
    assert str(caught.value) == "This indicator is not broken down by 'grade'."
    with pytest.raises(CellError, match="not broken down by 'sex'"):
        check_cell("sex=f", {})


def test_check_cell_refuses_an_unknown_value():
    with pytest.raises(CellError) as caught:
        check_cell("race=black;sex=x", ALLOWED)
    assert str(caught.value) == "'x' is not a value of the dimension 'sex'."


def test_check_cell_is_case_sensitive():
    with pytest.raises(CellError):
        check_cell("sex=F", ALLOWED)


def test_check_cell_refuses_a_malformed_key():
    with pytest.raises(CellError):
        check_cell("race", ALLOWED)


# --- properties -------------------------------------------------------------------------------


@given(st.lists(st.tuples(codes, codes), max_size=6, unique_by=lambda pair: pair[0]), st.randoms())
def test_any_order_of_the_pairs_gives_the_same_key(pairs, random):
    shuffled = list(pairs)
    random.shuffle(shuffled)
    assert cell_key(dict(pairs)) == cell_key(dict(shuffled))
    assert cell_key(dict(pairs)) == cell_key(dict(reversed(pairs)))


@given(cells, st.dictionaries(codes, blanks, max_size=3))
def test_parsing_a_key_gives_back_the_cell_without_its_blanks(cell, blank_pairs):
    mixed = {**blank_pairs, **cell}
    assert parse_cell_key(cell_key(mixed)) == cell


@given(cells)
def test_keys_are_canonical(cell):
    key = cell_key(cell)
    assert cell_key(parse_cell_key(key)) == key
    dims = [part.split("=")[0] for part in key.split(";")] if key else []
    assert dims == sorted(dims)


@given(cells, cells)
def test_different_cells_have_different_keys(one, other):
    assert (cell_key(one) == cell_key(other)) == (one == other)


@given(cells)
def test_every_cell_over_allowed_pairs_passes_check_cell(cell):
    allowed = {dim: {value} for dim, value in cell.items()}
    check_cell(cell_key(cell), allowed)
