"""The picker's JavaScript in Chromium: combobox, keyboard, chips, live region, hidden select.

The page is the widget rendered by Django; its requests to /api/cpv/ are answered by the real
API through Django's test client, so no live server is needed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.utils import translation

from marketplace.models import CpvCode
from marketplace.widgets import CpvPickerWidget
from tests.e2e.conftest import WCAG_TAGS
from tests.registry.helpers import load_demo_cpv

# Playwright answers routes from its own thread: the data must be committed to be seen there.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ORIGIN = "http://picker.test"
SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "cpv-picker.js"


class CpvForm(forms.Form):
    cpv = forms.ModelMultipleChoiceField(
        label="CPV codes", queryset=CpvCode.objects.all(), widget=CpvPickerWidget()
    )


@pytest.fixture
def picker_page(browser):
    load_demo_cpv()
    with translation.override("en"):
        field = CpvForm(initial={"cpv": ["72212000"]})["cpv"]
        html = (
            '<!doctype html><html lang="en"><head><title>Picker</title></head><body><main>'
            f'<h1>Picker</h1><form><label for="id_cpv">CPV codes</label>{field}'
            '<button type="submit">Save</button></form></main></body></html>'
        )
    client = Client()

    def api(route):
        url = urlsplit(route.request.url)
        response = client.get(f"{url.path}?{url.query}")
        route.fulfill(
            status=response.status_code,
            body=response.content,
            content_type=response["Content-Type"],
        )

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.route(
        f"{ORIGIN}/static/js/cpv-picker.js",
        lambda route: route.fulfill(path=str(SCRIPT), content_type="text/javascript"),
    )
    page.route(f"{ORIGIN}/api/cpv/**", api)
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


def _assert_accessible(page, axe) -> None:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]


def _selected(page) -> list[str]:
    return page.eval_on_selector("select", "s => Array.from(s.selectedOptions, o => o.value)")


def test_type_ahead_keyboard_and_chips_keep_the_select_in_sync(picker_page, axe):
    page = picker_page
    combobox = page.get_by_role("combobox", name="CPV codes")

    # the select is hidden behind the combobox; the initial choice is a chip
    assert page.is_hidden("select")
    assert page.get_by_role("button", name="Remove 72212000 Programming services").is_visible()

    # when typing a Bokmål word, results come in English (the page's language)
    combobox.fill("avfall")
    page.wait_for_selector("[role=option]")
    assert combobox.get_attribute("aria-expanded") == "true"
    assert "found" in page.text_content("[role=status]")

    _assert_accessible(page, axe)

    page.keyboard.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert active and page.get_attribute(f"#{active}", "role") == "option"
    chosen = page.text_content(f"#{active}").split(" ")[0]
    page.keyboard.press("Enter")

    assert set(_selected(page)) == {"72212000", chosen}
    assert page.text_content("[role=status]").startswith(f"Added {chosen}")

    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"

    page.get_by_role("button", name="Remove 72212000 Programming services").click()
    assert _selected(page) == [chosen]


def test_enter_in_the_picker_never_submits_the_form(picker_page):
    """Enter with nothing highlighted once saved an unfinished tender draft (issue 18)."""
    page = picker_page
    page.evaluate(
        "window.submitted = 0;"
        " document.querySelector('form').addEventListener('submit',"
        " e => { window.submitted += 1; e.preventDefault(); })"
    )
    combobox = page.get_by_role("combobox", name="CPV codes")

    combobox.fill("avfall")
    page.wait_for_selector("[role=option]")
    page.keyboard.press("Enter")  # results listed, none highlighted
    combobox.fill("")
    page.keyboard.press("Enter")  # empty picker

    assert page.evaluate("window.submitted") == 0
    assert _selected(page) == ["72212000"], "nothing was chosen either"
