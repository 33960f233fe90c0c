"""A service's refusal on the form: next to the field it names if the form has it, else above."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error


class NameForm(forms.Form):
    name = forms.CharField()
    org_number = forms.CharField(required=False)


class UploadForm(forms.Form):
    title = forms.CharField()
    file = forms.FileField(required=False)


def _bound(form_class=NameForm):
    form = form_class({"name": "Kari", "title": "Plan"})
    assert form.is_valid(), form.errors
    return form


def test_an_error_naming_a_field_of_the_form_goes_next_to_it():
    form = _bound()
    add_service_error(form, DomainError("Navnet er tatt.", field="name"))
    assert form.errors == {"name": ["Navnet er tatt."]}


@pytest.mark.parametrize("field", [None, "supplier", "__all__"])
def test_an_error_naming_no_field_of_the_form_goes_above_it(field):
    form = _bound()
    add_service_error(form, DomainError("Fristen er ute.", field=field))
    assert form.non_field_errors() == ["Fristen er ute."]
    assert list(form.errors) == ["__all__"]


def test_a_service_field_can_be_shown_on_a_field_of_another_name():
    form = _bound()
    add_service_error(
        form, DomainError("Ukjent leverandør.", field="supplier"), fields={"supplier": "org_number"}
    )
    assert form.errors == {"org_number": ["Ukjent leverandør."]}


def test_a_fallback_field_takes_what_names_no_field():
    form = _bound(UploadForm)
    add_service_error(form, DomainError("Filen er for stor.", field="size"), fallback="file")
    assert form.errors == {"file": ["Filen er for stor."]}


def test_every_problem_of_an_error_is_shown_where_it_belongs():
    class NotReady(DomainError):
        def __init__(self, problems):
            super().__init__("Ikke klar.")
            self.problems = problems

    form = _bound()
    add_service_error(
        form,
        NotReady([("name", "Gi et navn."), (None, "Mangler vedlegg."), ("price", "Gi en pris.")]),
    )
    assert form.errors == {"name": ["Gi et navn."], "__all__": ["Mangler vedlegg.", "Gi en pris."]}
    objects = _bound()
    add_service_error(objects, NotReady([SimpleNamespace(field="name", message="For kort.")]))
    assert objects.errors == {"name": ["For kort."]}


def test_a_validation_error_is_shown_message_by_message():
    form = _bound()
    error = ValidationError(
        {"name": ["For langt.", "Ugyldig tegn."], "__all__": ["Feil."], "slug": ["Tatt."]}
    )
    add_service_error(form, error)
    assert form.errors == {"name": ["For langt.", "Ugyldig tegn."], "__all__": ["Feil.", "Tatt."]}
    plain = _bound()
    add_service_error(plain, ValidationError("Feil i datoen."))
    assert plain.non_field_errors() == ["Feil i datoen."]


def test_a_form_that_routes_field_names_itself_gets_them_unchanged():
    received = []
    composite = SimpleNamespace(add_error=lambda field, message: received.append((field, message)))
    add_service_error(composite, DomainError("Vektene må bli 100.", field="criteria"))
    assert received == [("criteria", "Vektene må bli 100.")]
