"""A ``values()`` query that takes a value or two, compiled to SQL once per process and database
(issue 14).

Some queries run on every signed-in page and cost the ORM far more to build than the database to
answer: the person's facts (``marketplace.policy.user_facts``: memberships as a JSON array and
four subqueries) took 4 ms of CPU to build and 0.3 ms to run. ``CompiledValues`` builds the
queryset once for a stand-in value, keeps its SQL, parameters and Django's converters (what
``values()`` applies to each column), and runs it afterwards with the real value in the stand-in's
place: the same rows, as dicts, that ``values()`` gives.

``tenders.selectors.relations`` does the same for the tender page's own statements; this is the
plain version for the base layer (``marketplace`` imports nothing from ``tenders``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Keys no table holds (primary keys are positive), standing for the values while a statement is
# compiled; also ``tenders.selectors.relations``' stand-in for a page's root row.
STAND_IN_KEYS = (-7_340_104_202_611, -7_340_104_202_612, -7_340_104_202_613)


class CompiledValues:
    """The rows of ``build(*values)`` (a ``values()`` queryset) as dicts.

    ``build`` must use each argument exactly once, as a query parameter (a filter value), and
    give the same statement for all values; ``stand_ins`` are values no row holds (one for each
    argument, all different), used to compile: by default ``STAND_IN_KEYS``, for arguments that
    are primary keys.
    """

    def __init__(
        self, build: Callable[..., QuerySet], *, stand_ins: tuple[Any, ...] | None = None
    ) -> None:
        self._build = build
        if stand_ins is None:
            arguments = len(inspect.signature(build).parameters)
            stand_ins = STAND_IN_KEYS[:arguments]
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple] = {}

    def _statement(self, using: str) -> tuple:
        compiled = self._compiled.get(using)
        if compiled is None:
            query = self._build(*self._stand_ins).query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
            params = tuple(params)
            if any(params.count(stand_in) != 1 for stand_in in self._stand_ins):
                raise ValueError("The statement must take each value once, as a parameter.")
            # Where each argument goes among the parameters.
            positions = tuple(params.index(stand_in) for stand_in in self._stand_ins)
            names = (
                list(query.selected)
                if query.selected
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            converters = list(compiler.get_converters(columns).items())
            compiled = sql, params, positions, names, converters
            self._compiled[using] = compiled
        return compiled

    def rows(self, *values, using: str = "default") -> list[dict]:
        sql, params, positions, names, converters = self._statement(using)
        sent = list(params)
        for position, value in zip(positions, values, strict=True):
            sent[position] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, sent)
            found = cursor.fetchall()
        rows = []
        for row in found:
            if converters:
                row = list(row)
                for index, (functions, expression) in converters:
                    for function in functions:
                        row[index] = function(row[index], expression, connection)
            rows.append(dict(zip(names, row, strict=True)))
        return rows
