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

``CompiledRow`` does the same for the page's own row: a queryset (with its ``select_related``)
compiled once per process and database for a stand-in value, run with the page's value and
turned into model instances as the ORM's own iterable does. On PostgreSQL both run as text with
their constants written in and prepared on each connection (``_Statement``).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import F, IntegerField, JSONField, Model, QuerySet, Value
from django.db.models.functions import JSONObject
from django.db.models.query import get_related_populators
from django.utils import timezone

from marketplace.compiled_query import STAND_IN_KEYS

# Stands for the root's key while the statement is compiled; no table holds it.
_ROOT = STAND_IN_KEYS[0]


@dataclass(frozen=True)
class Relation:
    """One relation to fetch: rows of ``model`` reached from ``rows(root_pk)`` (the through table
    of a many-to-many, or the child table itself, narrowed to one root: a tender), grouped by
    the ``owner`` column.

    Each of ``owners(root)`` gets its rows in its prefetch cache under ``name`` (what
    ``prefetch_related`` would fill), or in the attribute ``to_attr`` as a list; an owner without
    rows gets an empty list. Relations are primed in the order given, so ``owners`` may read a
    relation primed before it (a tender's lots, then the lots' codes). Every column of ``model``
    is read, unless ``rows`` selects the model's own table with ``only()``: then those columns
    (the instances defer the rest).
    """

    name: str
    rows: Callable[[int], QuerySet]
    owner: str
    model: type[Model]
    owners: Callable[[Model], Iterable[Model]]
    prefix: str = ""
    to_attr: str = ""
    order: Callable[[Model], tuple] | None = None


def _fields(relation: Relation, rows: QuerySet) -> list:
    """The columns of ``relation.model`` to read: those ``rows.only()`` names, else all."""
    model = relation.model
    names, defer = rows.query.deferred_loading
    if relation.prefix or defer or not names:
        return list(model._meta.concrete_fields)
    wanted = {model._meta.get_field(name).attname for name in names} | {model._meta.pk.attname}
    return [f for f in model._meta.concrete_fields if f.attname in wanted]


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


class _Statement:
    """Compiled SQL that takes one value (in place of ``stand_in``) each time it runs.

    On PostgreSQL the constant parameters are written into the text once and the statement is
    prepared on each connection: psycopg parses a statement longer than 4 kB for its
    placeholders on every execution (it caches shorter ones), and PostgreSQL planned the page's
    two statements afresh each time (1.2-1.3 ms each on a busy machine, six times their run
    time). The one value is sent as a parameter. Elsewhere the parameters are passed as usual.
    """

    def __init__(self, sql: str, params: tuple, *, stand_in: object, using: str) -> None:
        self.sql, self.params, self.stand_in = sql, params, stand_in
        self.text: str | None = None
        ops = connections[using].ops
        if connections[using].vendor == "postgresql":
            parts = ops.compose_sql(sql, params).split(ops.compose_sql("%s", [stand_in]))
            if len(parts) - 1 == params.count(stand_in):  # the literal is nowhere else
                self.text = "%s".join(part.replace("%", "%%") for part in parts)
                self.count = len(parts) - 1

    def rows(self, value, *, using: str, one: bool = False) -> list[tuple]:
        """The rows the statement gives for ``value`` (at most the first, with ``one``)."""
        connection = connections[using]
        with connection.cursor() as cursor:  # the connection, its health check, thread rules
            if self.text is None:
                params = tuple(value if param == self.stand_in else param for param in self.params)
                cursor.execute(self.sql, params)
                return cursor.fetchmany(1) if one else cursor.fetchall()
            raw = connection.connection
            if raw.prepare_threshold is None:  # Django turns psycopg's preparing off; only
                raw.prepare_threshold = 5  # server-binding cursors (this one) ever prepare
            # Django's cursor wrapper (query logs and counts see it) around one that prepares.
            with connection._prepare_cursor(
                _preparing_cursor_class()(connection.connection)
            ) as prepared:
                prepared.execute(self.text, [value] * self.count)
                return prepared.fetchmany(1) if one else prepared.fetchall()


@functools.cache
def _preparing_cursor_class() -> type:
    """A psycopg cursor that binds on the server and prepares every statement it runs (psycopg
    keeps the prepared statements of each connection and drops them with it)."""
    import psycopg  # only where PostgreSQL is used

    class Sent:
        """What Django's query log reads of a psycopg cursor (``_query.query``), which psycopg
        leaves empty after a prepared run: the statement with its values, made when read."""

        def __init__(self, connection, query, params) -> None:
            self._args = connection, query, params

        @property
        def query(self) -> bytes:
            connection, query, params = self._args
            return psycopg.ClientCursor(connection).mogrify(query, params).encode()

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:
                self._query = Sent(self.connection, query, params)
            return self

    return PreparingCursor


class Relations:
    """The relations a page shows of one root object, fetched in one query."""

    def __init__(self, *relations: Relation) -> None:
        self.relations = relations
        self._orders = [r.order or _default_order(r.model) for r in relations]
        self._compiled: dict[str, tuple[_Statement, list[list]]] = {}

    def _statement(self, using: str) -> tuple[_Statement, list[list]]:
        if using not in self._compiled:
            rows = [relation.rows(_ROOT) for relation in self.relations]
            fields = [_fields(r, q) for r, q in zip(self.relations, rows, strict=True)]
            parts = [
                query.order_by()
                .annotate(
                    relation_index=Value(index, output_field=IntegerField()),
                    owner_id=F(relation.owner),
                    related=JSONObject(
                        **{f.attname: F(relation.prefix + f.attname) for f in columns}
                    ),
                )
                .values_list("relation_index", "owner_id", "related")
                for index, (relation, query, columns) in enumerate(
                    zip(self.relations, rows, fields, strict=True)
                )
            ]
            union = parts[0].union(*parts[1:], all=True)
            sql, params = union.query.get_compiler(using).as_sql()
            if _ROOT not in params:
                raise ValueError("Every relation must be narrowed to the root.")
            statement = _Statement(sql, tuple(params), stand_in=_ROOT, using=using)
            self._compiled[using] = statement, fields
        return self._compiled[using]

    def prime(self, root: Model, *, using: str = "default") -> None:
        """Fetch every relation of ``root`` in one query and prime each owner with its objects."""
        statement, fields = self._statement(using)
        rows = statement.rows(root.pk, using=using)
        found: dict[tuple[int, object], list] = defaultdict(list)
        for index, owner_id, data in rows:
            if isinstance(data, str):
                data = json.loads(data)
            relation = self.relations[index]
            found[(index, owner_id)].append(_instance(relation.model, fields[index], data, using))
        for index, relation in enumerate(self.relations):
            order = self._orders[index]
            for owner in relation.owners(root):
                _prime(owner, relation, sorted(found.get((index, owner.pk), []), key=order))


class CompiledRow:
    """The first row of ``build(value)`` as a model instance with its ``select_related`` objects,
    from SQL compiled once per process and database.

    ``build`` must use its argument exactly once as a query parameter (a filter value) and give
    the same statement for every value; ``stand_in`` is a value no row holds, used to compile.
    Building an 88-column ``select_related`` statement costs the ORM more than running it.
    """

    def __init__(self, build: Callable[[object], QuerySet], *, stand_in: object) -> None:
        self._build = build
        self._stand_in = stand_in
        self._compiled: dict[str, tuple] = {}

    def _statement(self, using: str) -> tuple:
        if using not in self._compiled:
            compiler = self._build(self._stand_in).query.get_compiler(using)
            sql, params = compiler.as_sql()
            if list(params).count(self._stand_in) != 1:
                raise ValueError("The statement must take the value once, as a parameter.")
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            columns = [column for column, _, _ in select[: compiler.col_count]]
            self._compiled[using] = (
                _Statement(sql, tuple(params), stand_in=self._stand_in, using=using),
                klass_info["model"],
                [column.target.attname for column, _, _ in select[start:end]],
                (start, end),
                get_related_populators(klass_info, select, using),
                list(compiler.get_converters(columns).items()),
            )
        return self._compiled[using]

    def first(self, value, *, using: str = "default") -> Model | None:
        """The instance the statement finds for ``value``, or None."""
        statement, model, attnames, (start, end), populators, converters = self._statement(using)
        connection = connections[using]
        found = statement.rows(value, using=using, one=True)
        if not found:
            return None
        row = found[0]
        if converters:
            row = list(row)
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        instance = model.from_db(using, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        return instance
