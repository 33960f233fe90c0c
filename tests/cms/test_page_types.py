"""Page-type rules: where each page may be created and what may go under it."""

from __future__ import annotations

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    AccessibilityStatementPage,
    EventIndexPage,
    FAQPage,
    GuidePage,
    HomePage,
    IndicatorsPage,
    NewsIndexPage,
    NewsPage,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from tests.factories.pages import make_home_page


class PageTreeRules(WagtailPageTestCase):
    def test_home_page_lives_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                SuccessStoryIndexPage,
                NewsIndexPage,
                GuidePage,
                FAQPage,
                AccessibilityStatementPage,
                EventIndexPage,
                IndicatorsPage,
            },
        )

    def test_stories_live_under_the_story_index(self):
        self.assertAllowedParentPageTypes(SuccessStoryIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(SuccessStoryIndexPage, {SuccessStoryPage})
        self.assertAllowedParentPageTypes(SuccessStoryPage, {SuccessStoryIndexPage})
        self.assertAllowedSubpageTypes(SuccessStoryPage, set())

    def test_news_lives_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})

    def test_guides_nest_and_the_rest_are_leaves(self):
        self.assertAllowedParentPageTypes(GuidePage, {HomePage, GuidePage})
        self.assertAllowedSubpageTypes(GuidePage, {GuidePage})
        for model in (FAQPage, AccessibilityStatementPage):
            self.assertAllowedParentPageTypes(model, {HomePage})
            self.assertAllowedSubpageTypes(model, set())

    def test_a_story_cannot_be_created_under_the_home_page(self):
        self.assertCanNotCreateAt(HomePage, SuccessStoryPage)
        self.assertCanCreateAt(SuccessStoryIndexPage, SuccessStoryPage)
        self.assertCanNotCreateAt(NewsIndexPage, SuccessStoryPage)


@pytest.mark.django_db
def test_only_one_home_page_per_content_language():
    root = Page.get_first_root_node()
    assert HomePage.can_create_at(root)

    make_home_page()  # Bokmål and English

    assert not HomePage.can_create_at(root)


@pytest.mark.django_db
def test_one_index_and_one_statement_per_home_page():
    from tests.factories import make_accessibility_statement, make_story_index

    home = make_home_page()
    make_story_index()
    make_accessibility_statement()
    home.refresh_from_db()

    assert not SuccessStoryIndexPage.can_create_at(home)
    assert not AccessibilityStatementPage.can_create_at(home)
    assert GuidePage.can_create_at(home)


@pytest.mark.parametrize(
    "model",
    [
        HomePage,
        SuccessStoryIndexPage,
        SuccessStoryPage,
        GuidePage,
        NewsIndexPage,
        NewsPage,
        FAQPage,
        AccessibilityStatementPage,
    ],
)
def test_every_page_type_is_searchable_by_more_than_its_title(model):
    names = {field.field_name for field in model.search_fields}

    assert "title" in names
    assert len(names) > 1
    assert model.parent_page_types is not None
    assert model.subpage_types is not None
