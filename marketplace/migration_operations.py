"""Migration operations of our own: several new models added to the migration state at once.

Django re-renders every model related to a new one, recursively, each time a ``CreateModel`` is
applied: with the user model and Wagtail's page as hubs, that is nearly every model of the
project, once per new model. Our initial migrations create about seventy models, and that took
half the time of migrating an empty database (51 of 101 s at load 15; 29 s of CPU in all, 19 s
after). :class:`CreateModels` adds a run of new models to the state first and re-renders once,
then creates their tables in the same order as the separate operations would: the schema is the
same (``pg_dump --schema-only`` and SQLite's ``sqlite_master`` compared equal), only the
bookkeeping is done once. A migration uses it with ``operations = render_once(operations)``.
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.operations.base import Operation


class CreateModels(Operation):
    """Create several models, in order, re-rendering the migration state once."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operations: list[migrations.CreateModel]):
        self.operations = list(operations)
        super().__init__()

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state):
        rendered = state.__dict__.pop("apps", None)  # no re-render per model ...
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        # ... but once for all of them (as the separate operations would have, in the end).
        state.reload_models(
            [(app_label, operation.name_lower) for operation in self.operations], delay=False
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create {len(self.operations)} models"

    @property
    def migration_name_fragment(self):
        return "_".join(operation.migration_name_fragment for operation in self.operations[:3])


def render_once(operations: list[Operation]) -> list[Operation]:
    """``operations`` with each run of consecutive ``CreateModel`` grouped into one step."""
    grouped: list[Operation] = []
    run: list[migrations.CreateModel] = []
    for operation in [*operations, None]:
        if isinstance(operation, migrations.CreateModel):
            run.append(operation)
            continue
        if run:
            grouped.append(CreateModels(run) if len(run) > 1 else run[0])
            run = []
        if operation is not None:
            grouped.append(operation)
    return grouped
