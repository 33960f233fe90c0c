import pytest
from django.core.exceptions import ValidationError

from marketplace.validators import clean_org_number, format_org_number


def test_valid_number_is_compacted_and_formatted():
    assert clean_org_number(" 974 760 673 ") == "974760673"
    assert format_org_number("974760673") == "974 760 673"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("97476067", "org_number_length"),
        ("974760674", "org_number_checksum"),
        ("97476067x", "org_number_format"),
    ],
)
def test_invalid_number_says_why(value, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_org_number(value)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    "value",
    [
        "974 760 673",
        "974-760-673",
        "974.760.673",
        "974\u00a0760\u00a0673",
        "NO 974 760 673 MVA",
        "no974760673mva",
        "974760673 MVA",
        "NO974760673",
    ],
)
def test_every_usual_spelling_compacts_to_the_same_nine_digits(value):
    assert clean_org_number(value) == "974760673"


@pytest.mark.parametrize("value", ["NO MVA", "974 760 673 AS", "NO 974 760 674 MVA"])
def test_the_vat_form_is_still_checked(value):
    with pytest.raises(ValidationError):
        clean_org_number(value)
