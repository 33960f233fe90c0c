"""The base layout: landmarks, navigation for each role, the language switch, messages, the
dashboard, the home page and the error pages. Strings checked here are English (the source
language) under /en/, so these tests do not depend on the compiled Bokmål catalog."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from marketplace.models import Role
from marketplace.views import errors
from tests.conftest import with_totp
from tests.factories import MembershipFactory, OrganisationUnitFactory, UserFactory
from tests.factories.pages import make_home_page
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


def english_url(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def nav_links(page) -> dict[str, str]:
    nav = page.first("nav", aria_label="Main menu")
    return {a.text: a.get("href") for a in nav.select("a")}


# --- Layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/en/accounts/login/", "/en/accounts/signup/", "/en/missing/"])
def test_every_page_has_landmarks_skip_link_and_one_h1(client, url):
    page = parse(client.get(url))

    html = page.first("html")
    assert html.get("lang") == "en"
    body_elements = page.first("body").select()
    skip = body_elements[0]
    assert skip.tag == "a"
    assert skip.get("href") == "#main"
    assert skip.text == "Skip to main content"
    assert len(page.select("header")) == 1
    assert len(page.select("footer")) == 1
    main = page.first("main")
    assert main.get("id") == "main"
    assert len(page.select("h1")) == 1
    assert any(node.tag == "main" for node in page.first("h1").ancestors())
    assert page.first("meta", name="viewport").get("content").startswith("width=device-width")


def test_stylesheets_load_designsystemet_theme_then_components_then_ours(client):
    page = parse(client.get("/en/accounts/login/"))

    hrefs = [link.get("href") for link in page.select("link", rel="stylesheet")]

    assert hrefs == [
        "/static/vendor/designsystemet/theme.css",
        "/static/vendor/designsystemet/designsystemet.css",
        "/static/css/site.css",
    ]


def test_footer_links_to_the_accessibility_statement(client):
    page = parse(client.get("/en/accounts/login/"))

    footer = page.first("footer")

    assert footer.first("a", href="/en/tilgjengelighetserklaering/").text == (
        "Accessibility statement"
    )
    assert "Akershus" in footer.text


# --- Navigation for each role -----------------------------------------------------------------


def test_anonymous_visitor_is_offered_log_in_and_sign_up(client):
    page = parse(client.get("/en/accounts/login/"))

    links = nav_links(page)

    assert links["Log in"] == "/en/accounts/login/"
    assert links["Sign up"] == "/en/accounts/signup/"
    assert "My page" not in links
    assert all(href not in {"", "#"} for href in links.values())
    assert not page.select("form", action="/en/accounts/logout/")
    assert page.first("a", class_="site-name").get("href") == "/en/"


def test_supplier_sees_their_pages_and_a_log_out_button(client, supplier_admin):
    client.force_login(supplier_admin)

    page = parse(client.get("/en/min-side/"))

    links = nav_links(page)
    assert links["My page"] == "/en/min-side/"
    assert "Log in" not in links
    assert "CMS admin" not in links
    assert "Site administration" not in links
    logout = page.first("form", action="/en/accounts/logout/")
    assert logout.get("method") == "post"
    assert logout.first("button", type="submit").text == "Log out"
    assert logout.select("input", name="csrfmiddlewaretoken")


def test_current_page_is_marked_in_the_navigation(client, supplier_admin):
    client.force_login(supplier_admin)

    page = parse(client.get("/en/min-side/"))

    current = page.first("nav", aria_label="Main menu").select("a", aria_current="page")
    assert [a.text for a in current] == ["My page"]


def test_inbox_link_shows_the_unread_count(client, supplier_admin):
    from tests.factories.notifications import NotificationFactory

    inbox_url = english_url("marketplace:notification_inbox")
    NotificationFactory.create_batch(2, recipient=supplier_admin)
    client.force_login(supplier_admin)

    page = parse(client.get("/en/min-side/"))

    inbox = page.first("nav", aria_label="Main menu").first("a", href=inbox_url)
    assert inbox.first("span", class_="nav-count").text == "2"
    assert inbox.first("span", class_="ds-sr-only").text == "(2 unread)"


def test_buyer_staff_get_their_procurement_workspace(client, procurement_officer):
    client.force_login(procurement_officer)

    links = nav_links(parse(client.get("/en/min-side/")))

    assert "My page" in links
    assert links["Procurement"] == "/en/innkjop/"
    assert "Site administration" not in links


def test_suppliers_get_no_procurement_workspace(client, supplier_admin):
    client.force_login(supplier_admin)

    links = nav_links(parse(client.get("/en/min-side/")))

    assert "Procurement" not in links


def test_everyone_finds_opportunities_needs_test_arenas_and_suppliers(client):
    links = nav_links(parse(client.get("/en/leverandorer/")))

    assert links["Opportunities"] == "/en/konkurranser/"
    assert links["Needs"] == "/en/behov/"
    assert links["Test arenas"] == "/en/testarenaer/"
    assert links["Suppliers"] == "/en/leverandorer/"


def test_editors_get_the_cms_and_staff_the_django_admin(client):
    admin = with_totp(UserFactory(full_name="Ada Admin", is_staff=True, is_superuser=True))
    client.force_login(admin)

    links = nav_links(parse(client.get("/en/min-side/")))

    assert links["CMS admin"] == "/cms-admin/"
    assert links["Site administration"] == "/django-admin/"


def test_member_of_the_editors_group_gets_the_cms_link(client):
    from django.contrib.auth.models import Group, Permission

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    # Editors publish to the public site: like buyer staff, they must have TOTP.
    editor = with_totp(UserFactory(full_name="Eva Editor"))
    editor.groups.add(editors)
    client.force_login(editor)

    links = nav_links(parse(client.get("/en/min-side/")))

    assert links["CMS admin"] == "/cms-admin/"
    assert "Site administration" not in links


# --- Language switch --------------------------------------------------------------------------


def switch_language(client, page_url: str, language: str):
    page = parse(client.get(page_url))
    form = page.first("form", class_="language-switch")
    data = {
        "next": form.first("input", name="next").get("value"),
        "language": form.first("button", name="language").get("value"),
    }
    assert data["language"] == language
    return client.post(form.get("action"), data)


def test_language_switch_goes_to_the_english_page_and_back(client, supplier_admin):
    client.force_login(supplier_admin)

    to_english = switch_language(client, "/min-side/", "en")
    assert to_english.status_code == 302
    assert to_english.url == "/en/min-side/"
    assert parse(client.get(to_english.url)).first("html").get("lang") == "en"

    to_bokmal = switch_language(client, "/en/min-side/", "nb")
    assert to_bokmal.url == "/min-side/"
    assert parse(client.get(to_bokmal.url)).first("html").get("lang") == "nb"


def test_language_switch_keeps_the_query_string(client, supplier_admin):
    client.force_login(supplier_admin)
    response = switch_language(client, "/sok/?q=sensor", "en")

    assert response.url == "/en/sok/?q=sensor"


def test_anonymous_language_switch_is_a_link_to_the_same_page(client):
    # Anonymous visitors follow a link: no form, so no CSRF cookie on public pages (ADR 0014)
    page = parse(client.get("/accounts/login/?next=/min-side/"))

    link = page.first("div", class_="language-switch").first("a")

    assert link.get("href") == "/en/accounts/login/?next=/min-side/"
    assert link.get("hreflang") == "en"
    assert not page.select("form", class_="language-switch")


def test_language_switch_button_names_the_language_in_that_language(client):
    page = parse(client.get("/en/accounts/login/"))

    link = page.first(class_="language-switch").first("a")

    assert link.get("lang") == "nb"
    assert link.text == "Norsk (bokmål)"
    assert link.get("href") == "/accounts/login/"


# --- Messages ---------------------------------------------------------------------------------


def test_messages_are_shown_as_alerts(client, supplier_admin):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=supplier_admin, email=supplier_admin.email, verified=True, primary=True
    )

    response = client.post(
        "/en/accounts/login/",
        {"login": supplier_admin.email, "password": "correct horse battery"},
        follow=True,
    )

    alert = parse(response).first("main").first("div", class_="ds-alert")
    assert alert.get("role") == "status"
    assert alert.get("data-color") == "success"
    assert alert.text == f"Successfully signed in as {supplier_admin.full_name}."


# --- Forms ------------------------------------------------------------------------------------


def test_form_errors_are_summarised_and_tied_to_their_fields(client):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "not-an-address",
            "full_name": "Kari Nordmann",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )

    page = parse(response)
    summary = page.first("div", class_="ds-error-summary")
    assert summary.get("role") == "alert"
    assert summary.first("a").get("href") == "#id_email"
    field = page.first("input", id="id_email")
    assert field.get("aria-invalid") == "true"
    assert "id_email_error" in field.get("aria-describedby").split()
    assert page.first(id="id_email_error").text
    assert page.first("label", for_="id_email").text.startswith("Email")


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_needs_a_logged_in_person(client):
    response = client.get("/en/min-side/")

    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")


def test_dashboard_greets_the_person_and_lists_organisations_and_roles(
    client, supplier_admin, supplier, buyer
):
    unit = OrganisationUnitFactory(organisation=buyer, name="Samferdsel", name_en="Transport")
    MembershipFactory(user=supplier_admin, organisation=buyer, role=Role.EVALUATOR, unit=unit)
    client.force_login(with_totp(supplier_admin))  # a buyer role needs TOTP

    main = parse(client.get("/en/min-side/")).first("main")

    assert f"Welcome, {supplier_admin.full_name}!" in main.text
    rows = {row.first("th").text: row.text for row in main.first("tbody").select("tr")}
    assert set(rows) == {supplier.name, buyer.name}
    assert "Supplier administrator" in rows[supplier.name]
    assert "Evaluator (Transport)" in rows[buyer.name]


def test_dashboard_shows_an_empty_state_with_a_way_forward(client):
    person = UserFactory(full_name="Ola Nordmann")
    client.force_login(person)

    main = parse(client.get("/en/min-side/")).first("main")

    assert "You are not a member of any organisation yet." in main.text
    assert not main.select("table")
    try:
        register_url = english_url("marketplace:organisation_register")
    except NoReverseMatch:
        return
    assert main.first("a", href=register_url).text == "Register your organisation"


def test_dashboard_shows_mfa_status_and_how_to_set_it_up(client, supplier_admin):
    client.force_login(supplier_admin)

    off = parse(client.get("/en/min-side/")).first("main")
    assert off.first("a", href="/en/accounts/2fa/totp/activate/").text == (
        "Set up two-factor authentication"
    )

    with_totp(supplier_admin)
    on = parse(client.get("/en/min-side/")).first("main")
    assert on.first("span", class_="ds-tag").text == "On"
    assert on.first("a", href="/en/accounts/2fa/").text == "Manage two-factor authentication"


def test_dashboard_query_count_does_not_grow_with_memberships(
    client, supplier_admin, django_assert_max_num_queries
):
    from tests.factories import SupplierFactory

    for _ in range(5):
        MembershipFactory(user=supplier_admin, organisation=SupplierFactory())
    client.force_login(supplier_admin)

    with django_assert_max_num_queries(12):
        response = client.get("/en/min-side/")

    assert len(parse(response).first("tbody").select("tr")) == 6


# --- Home page --------------------------------------------------------------------------------


def test_home_page_shows_the_hero_in_the_active_language(client):
    from wagtail.models import Locale

    home = make_home_page()
    home_en = home.get_translation(Locale.objects.get(language_code="en")).specific

    english = parse(client.get("/en/"))
    bokmal = parse(client.get("/"))

    assert english.first("h1").text == home_en.title
    assert home_en.hero_lead in english.first("main").text
    assert "How it works" in english.first("main").text
    assert bokmal.first("h1").text == home.title
    assert home.hero_lead in bokmal.first("main").text


def test_home_page_invites_visitors_to_sign_up(client):
    make_home_page()

    main = parse(client.get("/en/")).first("main")

    assert main.first("a", href="/en/accounts/signup/").text == "Sign up"


# --- Error pages ------------------------------------------------------------------------------


def test_missing_page_answers_404_in_english_under_en(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    page = parse(response)
    assert page.first("h1").text == "Page not found"
    assert page.first("html").get("lang") == "en"


def test_403_page_extends_the_site_layout(client):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/en/some-page/")
    request.user = AnonymousUser()
    with translation.override("en"):
        response = errors.permission_denied(request)

    assert response.status_code == 403
    page = parse(response.content.decode())
    assert page.first("h1").text == "Access denied"
    assert page.first("nav", aria_label="Main menu")


def test_400_page(client):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/en/")
    request.user = AnonymousUser()
    with translation.override("en"):
        response = errors.bad_request(request)

    assert response.status_code == 400
    assert parse(response.content.decode()).first("h1").text == "Bad request"


def test_500_page_is_self_contained_and_in_both_languages(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.request_id = "abc123"

    with django_assert_num_queries(0):
        response = errors.server_error(request)

    assert response.status_code == 500
    page = parse(response.content.decode())
    assert page.first("html").get("lang") == "nb"
    assert page.first("h1").text == "Noe gikk galt Something went wrong"
    assert page.first("h1").first("span", lang="en").text == "Something went wrong"
    assert "Prøv igjen om litt" in page.first("div", lang="nb").text
    assert "Please try again" in page.first("div", lang="en").text
    assert "abc123" in page.first("div", lang="en").text
    assert not page.select("link", rel="stylesheet")


def test_log_out_button_logs_the_person_out(client, supplier_admin):
    client.force_login(supplier_admin)
    form = parse(client.get("/en/min-side/")).first("form", action="/en/accounts/logout/")

    response = client.post(form.get("action"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
