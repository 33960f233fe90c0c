"""Many small relations of one page in one query (issue 14: a page's queries must not grow with
what it shows).

Django's ``prefetch_related`` spends a query per relation: a tender's page asked for its lots,
their CPV codes and places, its own codes, places and themes, criteria, requirements and
documents in nine. ``prime_relations`` asks for all of them in one ``UNION ALL``: each part
selects the owner's key and the related row as a JSON object (``JSONObject``, which PostgreSQL
and SQLite both build), and the rows are put where ``prefetch_related`` would have put them, so
``tender.lots.all`` and ``lot.cpv_codes.all`` in templates read them without a query.

Building that statement with the ORM costs more than running it, so a ``Relations`` set is
compiled to SQL once per process and database, for a stand-in key that is swapped for the page's
own when it runs.

Only plain columns travel (text, numbers, booleans, dates): a related model with a JSON column
stays with ``prefetch_related``.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import F, IntegerField, JSONField, Model, QuerySet, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

# Stands for the root's key while the statement is compiled; no table holds it.
_ROOT = -7_340_104_202_611


@dataclass(frozen=True)
class Relation:
    """One relation to fetch: rows of ``model`` reached from ``rows(root_pk)`` (the through table
    of a many-to-many, or the child table itself, narrowed to one root: a tender), grouped by
    the ``owner`` column.

    Each of ``owners(root)`` gets its rows in its prefetch cache under ``name`` (what
    ``prefetch_related`` would fill), or in the attribute ``to_attr`` as a list; an owner without
    rows gets an empty list. Relations are primed in the order given, so ``owners`` may read a
    relation primed before it (a tender's lots, then the lots' codes).
    """

    name: str
    rows: Callable[[int], QuerySet]
    owner: str
    model: type[Model]
    owners: Callable[[Model], Iterable[Model]]
    prefix: str = ""
    to_attr: str = ""
    order: Callable[[Model], tuple] | None = None


def _fields(model: type[Model]) -> list:
    return list(model._meta.concrete_fields)


def _python_value(model_field, value, *, json_as_text: bool = False):
    if json_as_text and isinstance(model_field, JSONField) and isinstance(value, str):
        # SQLite's JSON_OBJECT nests a JSON column as its text; PostgreSQL nests the value.
        value = json.loads(value)
    value = model_field.to_python(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _instance(model: type[Model], fields: list, data: dict, using: str) -> Model:
    json_as_text = connections[using].vendor != "postgresql"
    values = [_python_value(f, data.get(f.attname), json_as_text=json_as_text) for f in fields]
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


class Relations:
    """The relations a page shows of one root object, fetched in one query."""

    def __init__(self, *relations: Relation) -> None:
        self.relations = relations
        self._orders = [r.order or _default_order(r.model) for r in relations]
        self._fields = [_fields(r.model) for r in relations]
        self._compiled: dict[str, tuple[str, tuple]] = {}

    def _statement(self, using: str) -> tuple[str, tuple]:
        if using not in self._compiled:
            parts = [
                relation.rows(_ROOT)
                .order_by()
                .annotate(
                    relation_index=Value(index, output_field=IntegerField()),
                    owner_id=F(relation.owner),
                    related=JSONObject(
                        **{f.attname: F(relation.prefix + f.attname) for f in fields}
                    ),
                )
                .values_list("relation_index", "owner_id", "related")
                for index, (relation, fields) in enumerate(
                    zip(self.relations, self._fields, strict=True)
                )
            ]
            union = parts[0].union(*parts[1:], all=True)
            sql, params = union.query.get_compiler(using).as_sql()
            if _ROOT not in params:
                raise ValueError("Every relation must be narrowed to the root.")
            self._compiled[using] = sql, tuple(params)
        return self._compiled[using]

    def prime(self, root: Model, *, using: str = "default") -> None:
        """Fetch every relation of ``root`` in one query and prime each owner with its objects."""
        sql, params = self._statement(using)
        params = tuple(root.pk if param == _ROOT else param for param in params)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found: dict[tuple[int, object], list] = defaultdict(list)
        for index, owner_id, data in rows:
            if isinstance(data, str):
                data = json.loads(data)
            relation = self.relations[index]
            found[(index, owner_id)].append(
                _instance(relation.model, self._fields[index], data, using)
            )
        for index, relation in enumerate(self.relations):
            order = self._orders[index]
            for owner in relation.owners(root):
                _prime(owner, relation, sorted(found.get((index, owner.pk), []), key=order))
