"""PostgreSQL only: keep the narrow copy (``search_searchmatch``) in step per statement, not per row.

Migration 0002 filled ``search_searchmatch`` with a row trigger: for each written row of
``search_searchdocument`` a PL/pgSQL call that looked up (or made) the row's facet set and
upserted one row. A rebuild writes 100,000 rows in a few statements, so that was 100,000 calls
and 100,000 single-row lookups. These statement triggers read the statement's transition tables
instead (``REFERENCING NEW TABLE / OLD TABLE``) and do the same work in three set-based
statements, whatever the number of rows:

1. the facet sets the new rows need and that are missing, in one ``INSERT`` sorted by the set's
   columns (so concurrent writers take their locks in one order and wait rather than deadlock;
   ``ON CONFLICT DO NOTHING`` when another writer made the same set first),
2. the new rows' narrow copies, upserted in one ``INSERT ... SELECT`` joined to their sets,
3. on delete (and on an update that changed a row's id), the copies of rows that are gone.

The triggers are named ``search_match_*`` so they fire before 0002's ``search_stats_*``
statement triggers of the same event (PostgreSQL fires them in name order): the counts those
raise per facet set find every set made here. Truncate is unchanged. SQLite gets nothing (its
FTS5 table is written by ``db_fulltext.SqliteFulltext``, not by triggers).
"""

from importlib import import_module

from django.db import migrations

_INSERT_SETS = """
    INSERT INTO search_facetset (kind, status, source, facet_values)
    SELECT DISTINCT n.kind, n.status, n.source, n.facet_values
      FROM new_rows n
     WHERE NOT EXISTS (
           SELECT FROM search_facetset f
            WHERE f.kind = n.kind AND f.status = n.status AND f.source = n.source
              AND f.facet_values = n.facet_values)
     ORDER BY 1, 2, 3, 4
    ON CONFLICT DO NOTHING;
"""
_UPSERT_COPIES = """
    INSERT INTO search_searchmatch (id, facetset, date, vector)
    SELECT n.id, f.id, n.date, n.vector
      FROM new_rows n
      JOIN search_facetset f
        ON f.kind = n.kind AND f.status = n.status AND f.source = n.source
       AND f.facet_values = n.facet_values
    ON CONFLICT (id) DO UPDATE
       SET facetset = EXCLUDED.facetset, date = EXCLUDED.date, vector = EXCLUDED.vector;
"""
_DELETE_RENUMBERED = """
    DELETE FROM search_searchmatch m
     USING old_rows o
     WHERE m.id = o.id AND NOT EXISTS (SELECT FROM new_rows n WHERE n.id = o.id);
"""


def _function(name: str, body: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\n    RETURN NULL;\nEND\n$$"
    )


FORWARD = [
    "DROP TRIGGER IF EXISTS search_match_write ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_match_delete ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_match_write()",
    "DROP FUNCTION IF EXISTS search_match_delete()",
    "DROP FUNCTION IF EXISTS search_facetset_of(text, text, text, jsonb)",
    _function("search_match_insert", _INSERT_SETS + _UPSERT_COPIES),
    _function(
        "search_match_update",
        _INSERT_SETS + _UPSERT_COPIES + _DELETE_RENUMBERED,
    ),
    _function(
        "search_match_delete",
        "    DELETE FROM search_searchmatch m USING old_rows o WHERE m.id = o.id;",
    ),
    "CREATE TRIGGER search_match_insert AFTER INSERT ON search_searchdocument "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_match_insert()",
    "CREATE TRIGGER search_match_update AFTER UPDATE ON search_searchdocument "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_match_update()",
    "CREATE TRIGGER search_match_delete AFTER DELETE ON search_searchdocument "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_match_delete()",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_match_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_match_update ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_match_insert ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_match_delete()",
    "DROP FUNCTION IF EXISTS search_match_update()",
    "DROP FUNCTION IF EXISTS search_match_insert()",
]


def _row_triggers() -> list[str]:
    """0002's row triggers and their functions, as 0002 creates them (one copy of that SQL)."""
    created = import_module("search.migrations.0002_database_search").MATCH_TABLE_POSTGRES
    wanted = ("search_facetset_of", "search_match_write", "search_match_delete")
    return [
        statement
        for statement in created
        if any(f"FUNCTION {name}(" in statement for name in wanted)
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD + _row_triggers():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_kind_newest_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
