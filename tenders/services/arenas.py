"""Test arenas: the buyer's catalogue of places where pilots can run."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.errors import PermissionDenied
from marketplace.models import Organisation, OrganisationUnit
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from tenders.models import TestArena

ARENA_FIELDS = (
    "kind",
    "name",
    "name_en",
    "description",
    "description_en",
    "suits",
    "location",
    "municipality",
    "availability",
    "contact_name",
    "contact_email",
    "is_published",
)
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def _require(by, scope) -> None:
    if not user_can(by, Action.NEED_MANAGE, scope):
        raise PermissionDenied(_("You may not manage test arenas here."))


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name.translate(_NORWEGIAN_LETTERS))[:70].strip("-") or "testarena"
    candidate, n = base, 1
    while (
        candidate == "ny"
        or TestArena.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# The arena's contact person: personal data, so the audit chain records only that it changed.
CONTACT_FIELDS = ("contact_name", "contact_email")


def arena_data(arena: TestArena) -> dict:
    data = {field: getattr(arena, field) for field in ARENA_FIELDS if field != "municipality"}
    data.update(municipality=arena.municipality_id, unit=arena.unit_id, slug=arena.slug)
    return data


def _audited(data: dict, *, changed: list[str] | None = None) -> dict:
    kept = {key: value for key, value in data.items() if key not in CONTACT_FIELDS}
    contact = [key for key in (changed or CONTACT_FIELDS) if key in CONTACT_FIELDS and data[key]]
    return kept | ({"contact_fields_set": contact} if contact else {})


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(ARENA_FIELDS)
    if unknown:
        raise TypeError(f"Unknown test arena fields: {sorted(unknown)}")


@transaction.atomic
def test_arena_create(
    *, owner: Organisation, unit: OrganisationUnit | None = None, by, **fields
) -> TestArena:
    """A new test arena of ``owner`` (of one of its units, or of the whole organisation)."""
    _check_fields(fields)
    if unit is not None and unit.organisation_id != owner.pk:
        raise PermissionDenied(_("You may not manage test arenas here."))
    _require(by, unit if unit is not None else owner)
    arena = TestArena(owner=owner, unit=unit, **fields)
    arena.slug = _unique_slug(arena.name)
    arena.full_clean()
    arena.save()
    audit_record(
        actor=by, action="test_arena.created", obj=arena, after=_audited(arena_data(arena))
    )
    return arena


test_arena_create.__test__ = False  # not a pytest test, whatever its name says


@transaction.atomic
def test_arena_update(*, arena: TestArena, by, **fields) -> TestArena:
    _check_fields(fields)
    arena = TestArena.objects.select_for_update().get(pk=arena.pk)
    _require(by, arena)
    before = arena_data(arena)
    for name, value in fields.items():
        setattr(arena, name, value)
    arena.full_clean()
    arena.save()
    after = arena_data(arena)
    changed = sorted(key for key in after if before[key] != after[key])
    if changed:
        audit_record(
            actor=by,
            action="test_arena.updated",
            obj=arena,
            before=_audited({key: before[key] for key in changed}, changed=changed),
            after=_audited({key: after[key] for key in changed}, changed=changed),
        )
    return arena


test_arena_update.__test__ = False

__all__ = ["test_arena_create", "test_arena_update"]
