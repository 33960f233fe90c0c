"""Template context every page needs: navigation that fits the person, the language switch."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import get_language_from_path

from marketplace.models import BUYER_ROLES, SUPPLIER_ROLES
from marketplace.policy import user_facts


class Navigation:
    """What the header shows for one request: the person's facts, read once (one query) when
    first asked for."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def facts(self):
        """What is read about the person once per request (marketplace.policy.user_facts)."""
        return user_facts(self.user) if self.user.is_authenticated else None

    @cached_property
    def roles(self) -> frozenset[str]:
        if self.facts is None:
            return frozenset()
        return frozenset(held.role for held in self.facts.memberships)

    @property
    def has_organisation(self) -> bool:
        return bool(self.roles)

    @property
    def is_buyer(self) -> bool:
        return bool(self.roles & {role.value for role in BUYER_ROLES})

    @property
    def is_supplier(self) -> bool:
        return bool(self.roles & {role.value for role in SUPPLIER_ROLES})

    @property
    def is_editor(self) -> bool:
        """Editors (the Wagtail group) and superusers may use the CMS admin (Wagtail's
        ``access_admin`` permission, read with the facts)."""
        return self.facts is not None and self.facts.can_access_admin

    @property
    def unread_count(self) -> int:
        return self.facts.unread_notifications if self.facts is not None else 0


def path_without_language(path: str) -> str:
    """``/en/min-side/`` → ``/min-side/``; unprefixed (Bokmål) paths are returned unchanged.

    Django's ``set_language`` resolves ``next`` in the default language before translating it, so
    the language switch posts the unprefixed path and lets Django add the chosen prefix.
    """
    language = get_language_from_path(path)
    prefix = f"/{language}/" if language else None
    if prefix and path.startswith(prefix):
        return "/" + path[len(prefix) :]
    return path


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        user = AnonymousUser()
    next_path = path_without_language(request.path_info)
    query = request.META.get("QUERY_STRING", "")
    return {
        "nav": Navigation(user),
        "language_next": f"{next_path}?{query}" if query else next_path,
    }
