"""Issue 14: the home page and every Wagtail page read what they need in fewer queries, and
answer exactly as before: the view restrictions read once per request decide as Wagtail's own
check does, the home page's two tender lists read in one query are the two lists read apart (a
tender may be in both), its alternates come with its index pages, and its headline counts are
kept beside the cached pages until the next change."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms import selectors
from cms.indicators import headline_counts, oslo_year
from marketplace.page_cache import page_cache_invalidate
from tests.factories import NeedFactory, TenderFactory, make_guide, make_story
from tests.factories.pages import make_home_page

pytestmark = pytest.mark.django_db


def _ids(restrictions) -> set[int]:
    return {restriction.pk for restriction in restrictions}


def _as_served(page):
    """The page as serving it leaves it (cms.wagtail_hooks.read_view_restrictions_once)."""
    page.served_with_restrictions = selectors.view_restrictions()
    return page


def test_a_restricted_section_still_asks_visitors_to_log_in(client):
    # given a guide under a home page that only signed-in people may see
    guide = make_guide()
    home = guide.get_parent()
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)

    # then a visitor is sent to log in, for the home page and the page below it
    for url in ("/", guide.url):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "next=" in response["Location"], response["Location"]


def test_the_restrictions_read_once_decide_as_wagtail_does():
    guide = make_guide()
    home = guide.get_parent().specific
    story = make_story()
    on_home = PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.LOGIN
    )
    on_story = PageViewRestriction.objects.create(
        page=story, restriction_type=PageViewRestriction.LOGIN
    )

    for page in (home, guide, story, story.get_parent().specific):
        fresh = page.specific_class.objects.get(pk=page.pk)
        assert _ids(_as_served(fresh).get_view_restrictions()) == _ids(
            Page.get_view_restrictions(fresh)
        ), page.title
    assert _ids(_as_served(story).get_view_restrictions()) == {on_home.pk, on_story.pk}
    assert _ids(_as_served(guide).get_view_restrictions()) == {on_home.pk}


def test_with_an_alias_of_a_restricted_page_wagtail_decides(django_assert_num_queries):
    # given a restricted guide that has an alias elsewhere
    guide = make_guide()
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.LOGIN
    )
    alias = guide.create_alias(update_slug="kopi-av-veiledning")

    fresh = alias.specific_class.objects.get(pk=alias.pk)
    served = _as_served(alias.specific_class.objects.get(pk=alias.pk))
    assert any(r.has_aliases for r in served.served_with_restrictions)
    # then Wagtail's own check is asked, and the alias follows its source
    assert _ids(served.get_view_restrictions()) == _ids(Page.get_view_restrictions(fresh))
    assert restriction.pk in _ids(served.get_view_restrictions())


def test_the_home_page_tender_lists_read_together_equal_the_lists_read_apart():
    now = timezone.now()

    def tender(days: float | None, **fields):
        deadline = None if days is None else now + datetime.timedelta(days=days)
        question_deadline = None if days is None else deadline - datetime.timedelta(hours=1)
        return TenderFactory(
            published=True,
            submission_deadline=deadline,
            question_deadline=question_deadline,
            **fields,
        )

    for n in range(5):
        tender(n + 1)
        tender(10 + n, is_pilot=True)
    # a pilot tender whose deadline has passed (still published) and one with no deadline
    tender(-1, is_pilot=True)
    tender(None, is_pilot=True)
    NeedFactory(open=True, pilot=True)

    closing, pilots = selectors.home_opportunities()

    assert [t.pk for t in closing] == [t.pk for t in selectors.closing_soon_opportunities()]
    assert [(type(i), i.pk) for i in pilots] == [
        (type(i), i.pk) for i in selectors.newest_pilot_opportunities()
    ]
    assert len(closing) == selectors.HOME_LIST_SIZE


def test_a_pilot_tender_closing_soon_is_in_both_home_page_lists():
    # given ordinary tenders closing in days, and the newest pilot tender closing sooner still
    now = timezone.now()

    def tender(days: int, **fields):
        deadline = now + datetime.timedelta(days=days)
        return TenderFactory(
            published=True,
            submission_deadline=deadline,
            question_deadline=deadline - datetime.timedelta(hours=1),
            **fields,
        )

    for n in range(4):
        tender(n + 2)
    both = tender(1, is_pilot=True)

    closing, pilots = selectors.home_opportunities()

    # then it leads both lists, read in one query as when they are read apart
    assert [t.pk for t in closing] == [t.pk for t in selectors.closing_soon_opportunities()]
    assert closing[0].pk == both.pk and pilots[0].pk == both.pk
    assert len(closing) == selectors.HOME_LIST_SIZE


def test_the_home_page_reads_its_alternates_with_its_index_pages(client):
    make_home_page()

    html = client.get("/").content.decode()

    assert 'hreflang="nb" href="http://localhost/"' in html
    assert 'hreflang="en" href="http://localhost/en/"' in html
    assert 'property="og:locale" content="nb_NO"' in html


def test_the_home_page_leaves_out_a_restricted_section(client):
    # given a success story shown on the home page
    story = make_story()
    index = story.get_parent()
    html = client.get("/").content.decode()
    assert story.title in html and f'href="{index.url}"' in html

    # when its section is restricted to signed-in people
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)

    # then the home page names neither the story nor the section
    html = client.get("/").content.decode()
    assert story.title not in html
    assert f'href="{index.url}"' not in html


def test_headline_counts_are_kept_until_the_page_cache_generation_changes(
    settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given the server-side cache on, from a fresh generation
    settings.PAGE_CACHE_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()
    year = oslo_year(timezone.now())
    TenderFactory(published=True)
    before = selectors.headline_figures()
    assert before[1][1].value == headline_counts(year)["tenders"][year]["total"] == 1

    # when a tender is written without an event, the kept counts answer (no query)
    TenderFactory(published=True)
    with django_assert_num_queries(0):
        kept = selectors.headline_figures()
    assert kept[1][1].value == 1

    # and once an event makes the cached pages stale, the counts are read again
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()
    assert selectors.headline_figures()[1][1].value == 2


def test_headline_counts_are_read_every_time_with_the_server_side_cache_off(settings):
    settings.PAGE_CACHE_ENABLED = False
    TenderFactory(published=True)
    assert selectors.headline_figures()[1][1].value == 1
    TenderFactory(published=True)
    assert selectors.headline_figures()[1][1].value == 2
