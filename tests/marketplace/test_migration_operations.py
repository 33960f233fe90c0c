"""CreateModels: the same migration state and tables as separate CreateModel steps, one render."""

from __future__ import annotations

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import StateApps

from marketplace.migration_operations import CreateModels, render_once

APP = "marketplace"


def _operations() -> list[migrations.CreateModel]:
    """Two new models: one points to the other and to the user model (the hub of the graph)."""
    return [
        migrations.CreateModel(
            name="ScratchShelf",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("label", models.CharField(max_length=40)),
                ("owner", models.ForeignKey("marketplace.user", on_delete=models.CASCADE)),
            ],
            options={"db_table": "scratch_shelf"},
        ),
        migrations.CreateModel(
            name="ScratchBook",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=80)),
                ("shelf", models.ForeignKey("marketplace.scratchshelf", on_delete=models.CASCADE)),
            ],
            options={"db_table": "scratch_book"},
        ),
    ]


@pytest.fixture
def rendered_state():
    """The project's migration state at its last migration, with its models rendered."""
    state = MigrationLoader(None).project_state()
    state.apps  # noqa: B018 (render, as the executor does before applying migrations)
    return state


def _renders(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = StateApps.render_multiple

    def counting(self, model_states):
        calls.append(len(model_states))
        return original(self, model_states)

    monkeypatch.setattr(StateApps, "render_multiple", counting)
    return calls


def _fields(state, model: str) -> list[tuple[str, str, str | None]]:
    model_class = state.apps.get_model(APP, model)
    return [
        (
            field.name,
            field.get_internal_type(),
            field.related_model._meta.label_lower if field.related_model else None,
        )
        for field in model_class._meta.get_fields(include_hidden=True)
    ]


def test_the_state_is_the_same_as_after_separate_steps_and_rendered_once(
    rendered_state, monkeypatch
):
    separate = rendered_state.clone()
    together = rendered_state.clone()

    calls = _renders(monkeypatch)
    for operation in _operations():
        operation.state_forwards(APP, separate)
    renders_separately = len(calls)
    calls.clear()
    CreateModels(_operations()).state_forwards(APP, together)

    assert renders_separately == 2
    assert len(calls) == 1
    assert together.models.keys() == separate.models.keys()
    for model in ("scratchshelf", "scratchbook"):
        assert _fields(together, model) == _fields(separate, model)
    # The related models point at the re-rendered classes, as after separate steps.
    user = together.apps.get_model(APP, "user")
    shelf = together.apps.get_model(APP, "scratchshelf")
    assert shelf._meta.get_field("owner").related_model is user
    assert shelf in {relation.related_model for relation in user._meta.related_objects}


@pytest.mark.django_db(transaction=True)
def test_the_tables_are_created_in_order_and_removed_backwards(rendered_state):
    operation = CreateModels(_operations())
    after = rendered_state.clone()
    operation.state_forwards(APP, after)
    try:
        with connection.schema_editor() as editor:
            operation.database_forwards(APP, editor, rendered_state, after)
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            assert {"scratch_shelf", "scratch_book"} <= tables
            columns = {
                column.name
                for column in connection.introspection.get_table_description(cursor, "scratch_book")
            }
        assert columns == {"id", "title", "shelf_id"}
    finally:
        with connection.schema_editor() as editor:
            operation.database_backwards(APP, editor, after, rendered_state)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert not {"scratch_shelf", "scratch_book"} & tables


def test_render_once_groups_only_runs_of_new_models():
    create_a, create_b = _operations()
    index = migrations.AddIndex(
        model_name="scratchbook", index=models.Index(fields=["title"], name="scratch_title")
    )
    grouped = render_once([create_a, create_b, index, create_a])

    assert [type(operation) for operation in grouped] == [
        CreateModels,
        migrations.AddIndex,
        migrations.CreateModel,
    ]
    assert grouped[0].operations == [create_a, create_b]
    name, args, kwargs = grouped[0].deconstruct()
    assert (name, args, kwargs) == ("CreateModels", [[create_a, create_b]], {})
