"""Success stories, guides, news, FAQ and the accessibility statement for tests.

Each ``make_*`` publishes a Bokmål page under the home page of ``make_home_page`` (made if
missing); ``translate(page, title=...)`` (tests.factories.events) publishes its English copy.
"""

from __future__ import annotations

import datetime
import itertools

from cms.models import (
    AccessibilityStatementPage,
    FAQPage,
    GuidePage,
    NewsIndexPage,
    NewsPage,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)

from .organisations import SupplierFactory
from .pages import make_home_page
from .tenders import TenderFactory

_numbers = itertools.count(1)


def _publish(parent, page):
    page = parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent, model, **fields):
    existing = model.objects.child_of(parent).filter(slug=fields["slug"]).first()
    return existing or _publish(parent, model(**fields))


def make_story_index(**fields) -> SuccessStoryIndexPage:
    defaults = {"title": "Suksesshistorier", "slug": "suksesshistorier"}
    return _child(make_home_page(), SuccessStoryIndexPage, **{**defaults, **fields})


def make_story(*, index: SuccessStoryIndexPage | None = None, **fields) -> SuccessStoryPage:
    number = next(_numbers)
    defaults = {
        "title": f"Suksesshistorie {number}",
        "slug": f"suksesshistorie-{number}",
        "lead": "En bedrift og fylkeskommunen løste et behov sammen.",
        "body": [
            {"type": "heading", "value": {"text": "Behovet", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Det var glatt på sykkelveiene.</p>"},
        ],
    }
    defaults.update(fields)
    if "supplier" not in defaults:
        defaults["supplier"] = SupplierFactory()
    if "tender" not in defaults:
        defaults["tender"] = TenderFactory(published=True, is_pilot=True)
    return _publish(index or make_story_index(), SuccessStoryPage(**defaults))


def make_guide(**fields) -> GuidePage:
    defaults = {
        "title": "Slik selger du til fylkeskommunen",
        "slug": "slik-selger-du-til-fylkeskommunen",
        "lead": "Fra markedsdialog til kontrakt.",
        "body": [
            {"type": "heading", "value": {"text": "Terskelverdier", "level": "h2"}},
            {"type": "thresholds", "value": None},
        ],
    }
    return _child(make_home_page(), GuidePage, **{**defaults, **fields})


def make_news_index(**fields) -> NewsIndexPage:
    defaults = {"title": "Nyheter", "slug": "nyheter"}
    return _child(make_home_page(), NewsIndexPage, **{**defaults, **fields})


def make_news(*, index: NewsIndexPage | None = None, **fields) -> NewsPage:
    number = next(_numbers)
    defaults = {
        "title": f"Nyhet {number}",
        "slug": f"nyhet-{number}",
        "date": datetime.date(2026, 3, 1),
        "lead": "Fylkeskommunen åpner en markedsplass.",
    }
    defaults.update(fields)
    return _publish(index or make_news_index(), NewsPage(**defaults))


def make_faq(**fields) -> FAQPage:
    defaults = {
        "title": "Spørsmål og svar",
        "slug": "sporsmal-og-svar",
        "questions": [
            {
                "type": "question",
                "value": {"question": "Hva er en pilot?", "answer": "<p>En utprøving.</p>"},
            }
        ],
    }
    return _child(make_home_page(), FAQPage, **{**defaults, **fields})


def make_accessibility_statement(**fields) -> AccessibilityStatementPage:
    defaults = {
        "title": "Tilgjengelighetserklæring",
        "slug": "tilgjengelighetserklaering",
        "last_reviewed": datetime.date(2026, 1, 15),
        "feedback_email": "uu@pilotmarked.test",
    }
    return _child(make_home_page(), AccessibilityStatementPage, **{**defaults, **fields})
