"""``{% site_links as links %}``: the addresses the site header and footer link to,
``links.opportunities``.

They depend on nothing but the URL configuration, the active language (its prefix) and the
script prefix, so each process reverses them once per language and prefix instead of on every
page (issue 14: eleven ``{% url %}`` were a quarter of the header's cost). A name that does not
reverse gives "", as ``{% url ... as var %}`` does.
"""

from __future__ import annotations

from types import MappingProxyType

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language

register = template.Library()

# What the header and footer call each address, and the URL name (and arguments) it reverses.
LINKS: dict[str, tuple[str, tuple]] = {
    "home": ("wagtail_serve", ("",)),
    "opportunities": ("tenders:opportunity_list", ()),
    "needs": ("tenders:need_list", ()),
    "arenas": ("tenders:arena_list", ()),
    "directory": ("search:supplier_directory", ()),
    "search": ("search:site_search", ()),
    "dashboard": ("marketplace:dashboard", ()),
    "workspace": ("tenders:buyer_workspace", ()),
    "my_bids": ("bids:supplier_bids", ()),
    "for_you": ("matching:opportunities", ()),
    "pilots": ("pilots:pilot_list", ()),
    "organisations": ("marketplace:organisation_list", ()),
    "inbox": ("marketplace:notification_inbox", ()),
    "logout": ("account_logout", ()),
    "login": ("account_login", ()),
    "signup": ("account_signup", ()),
    # The footer's (on every page, so the same saving again: issue 14).
    "accessibility": ("wagtail_serve", ("tilgjengelighetserklaering/",)),
    "api_docs": ("api_docs", ()),
}

_tables: dict[tuple[str | None, str], MappingProxyType] = {}


def _reverse(name: str, args: tuple) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def links_table() -> MappingProxyType:
    """The header's addresses in the active language under the current script prefix."""
    key = (get_language(), get_script_prefix())
    table = _tables.get(key)
    if table is None:
        table = MappingProxyType({short: _reverse(*target) for short, target in LINKS.items()})
        _tables[key] = table
    return table


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    """A test that swaps the URL configuration or the languages gets addresses from it."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"}:
        _tables.clear()


@register.simple_tag
def site_links() -> MappingProxyType:
    return links_table()
