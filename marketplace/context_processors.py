"""Navigation that fits the person's roles."""

from __future__ import annotations

from marketplace.models import BUYER_ROLES, SUPPLIER_ROLES


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset()}
    # Cached per request: the base template asks on every page.
    if not hasattr(request, "_nav_roles"):
        request._nav_roles = frozenset(user.memberships.values_list("role", flat=True))
    roles = request._nav_roles
    return {
        "nav_roles": roles,
        "nav_is_buyer": bool(roles & {r.value for r in BUYER_ROLES}),
        "nav_is_supplier": bool(roles & {r.value for r in SUPPLIER_ROLES}),
        "nav_is_editor": user.is_superuser or user.groups.filter(name="Editors").exists(),
    }
