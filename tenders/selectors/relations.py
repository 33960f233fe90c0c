"""Many small relations of one page in one query (issue 14: a page's queries must not grow with
what it shows).

Django's ``prefetch_related`` spends a query per relation: a tender's page asked for its lots,
their CPV codes and places, its own codes, places and themes, criteria, requirements and
documents in nine. ``prime_relations`` asks for all of them in one ``UNION ALL``: each part
selects the owner's key and the related row as a JSON object (``JSONObject``, which PostgreSQL
and SQLite both build), and the rows are put where ``prefetch_related`` would have put them, so
``tender.lots.all`` and ``lot.cpv_codes.all`` in templates read them without a query.

Only plain columns travel (text, numbers, booleans, dates): a related model with a JSON column
stays with ``prefetch_related``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, IntegerField, Model, QuerySet, Value
from django.db.models.functions import JSONObject
from django.utils import timezone


@dataclass(frozen=True)
class Relation:
    """One relation to fetch: rows of ``model`` reached from ``rows`` (the through table of a
    many-to-many, or the child table itself, already narrowed to the page's owners), grouped by
    the ``owner`` column.

    Each of ``owners()`` gets its rows in its prefetch cache under ``name`` (what
    ``prefetch_related`` would fill), or in the attribute ``to_attr`` as a list; an owner without
    rows gets an empty list. Relations are primed in the order given, so ``owners`` may read a
    relation primed before it (a tender's lots, then the lots' codes).
    """

    name: str
    rows: QuerySet
    owner: str
    model: type[Model]
    owners: Callable[[], Iterable[Model]]
    prefix: str = ""
    to_attr: str = ""
    order: Callable[[Model], tuple] | None = None


def _field_values(model: type[Model]) -> list:
    return [f for f in model._meta.concrete_fields]


def _python_value(model_field, value):
    value = model_field.to_python(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _instance(model: type[Model], fields: list, data: dict, using: str) -> Model:
    values = [_python_value(f, data.get(f.attname)) for f in fields]
    return model.from_db(using, [f.attname for f in fields], values)


def _default_order(model: type[Model]) -> Callable[[Model], tuple]:
    """The model's ``Meta.ordering`` as a sort key (ascending fields; the owner is implied)."""
    names = []
    for name in model._meta.ordering:
        if name.startswith("-"):
            raise ValueError(f"{model.__name__}: give an order for a descending Meta.ordering")
        if name == "pk":
            names.append(model._meta.pk.attname)
            continue
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            continue  # the owner: every list is one owner's
        names.append(model_field.attname)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def _prime(owner: Model, relation: Relation, objects: list) -> None:
    if relation.to_attr:
        setattr(owner, relation.to_attr, objects)
        return
    manager = getattr(owner, relation.name)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    owner.__dict__.setdefault("_prefetched_objects_cache", {})[relation.name] = queryset


def prime_relations(relations: list[Relation], *, using: str = "default") -> None:
    """Fetch every relation in one query and prime each owner with its related objects."""
    parts = []
    for index, relation in enumerate(relations):
        data = JSONObject(
            **{f.attname: F(relation.prefix + f.attname) for f in _field_values(relation.model)}
        )
        parts.append(
            relation.rows.order_by()
            .annotate(
                relation_index=Value(index, output_field=IntegerField()),
                owner_id=F(relation.owner),
                related=data,
            )
            .values_list("relation_index", "owner_id", "related")
        )
    rows = []
    if parts:
        rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    found: dict[tuple[int, object], list] = defaultdict(list)
    for index, owner_id, data in rows:
        relation = relations[index]
        fields = _field_values(relation.model)
        found[(index, owner_id)].append(_instance(relation.model, fields, data, using))
    for index, relation in enumerate(relations):
        order = relation.order or _default_order(relation.model)
        for owner in relation.owners():
            _prime(owner, relation, sorted(found.get((index, owner.pk), []), key=order))
