"""Other packages' texts that our Bokmål catalog corrects (marketplace/translation_overrides.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Page


def test_the_too_short_password_message_is_bokmal():
    with translation.override("nb"), pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(min_length=12).validate("kort")

    assert refused.value.messages == ["Passordet er for kort. Det må ha minst 12 tegn."]


def test_wagtails_page_title_help_text_is_spelt_right_in_bokmal():
    with translation.override("nb"):
        help_text = str(Page._meta.get_field("title").help_text)

    assert help_text == "Tittel på siden slik den vises offentlig"
