"""Wagtail page types. One module per kind of page; import them all here for Django."""

from .accessibility import AccessibilityStatementPage
from .base import BasePage
from .events import EventIndexPage, EventKind, EventPage
from .faq import FAQPage
from .guides import GuidePage
from .home import HomePage
from .indicators import IndicatorsPage
from .news import NewsIndexPage, NewsPage
from .registrations import EventRegistration
from .stories import Outcome, PilotFacts, StoryFacts, SuccessStoryIndexPage, SuccessStoryPage

__all__ = [
    "AccessibilityStatementPage",
    "BasePage",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventRegistration",
    "FAQPage",
    "GuidePage",
    "HomePage",
    "IndicatorsPage",
    "NewsIndexPage",
    "NewsPage",
    "Outcome",
    "PilotFacts",
    "StoryFacts",
    "SuccessStoryIndexPage",
    "SuccessStoryPage",
]
