"""PostgreSQL only: what the site search knows before it reads a row.

- ``search_lexeme``: per lexeme of the stored vectors and per kind, how many documents hold it
  (its document frequency). A search reads the frequencies of its few lexemes to choose how to
  find its matches: a rare word through the GIN index (every match, exact counts), a broad one
  by walking the newest documents until it has enough (a bounded candidate set); a one-word
  search also gets its exact total from here.
- ``search_facetset.ndoc``: how many documents each facet set holds, so the list of everything
  (the empty query) counts its total and facets from a few thousand rows, not the whole index.
- ``search_match_newest`` and ``search_match_facetset`` on the narrow copy: the newest-first walk
  and the rows of the facet sets a filter allows.

Statement-level triggers with transition tables keep both counts in step with every insert,
update, delete (one aggregate per statement, not per row) and truncate of
``search_searchdocument``, however the rows are written. They take their row locks in one order
(facet sets by id, lexemes by text), so concurrent indexing waits rather than deadlocks.
SQLite gets nothing.
"""

from django.db import migrations

# The counts a statement changes: rows of ``delta`` (kind, status, source, facet_values,
# vector, sign), +1 per new row and -1 per old one. ``{delta}`` is our own SELECT of the
# transition tables.
_APPLY = """
    WITH delta AS ({delta}),
    sets AS (
        SELECT f.id, d.n
          FROM (SELECT kind, status, source, facet_values, sum(sign) AS n
                  FROM delta GROUP BY 1, 2, 3, 4) d
          JOIN search_facetset f
            ON f.kind = d.kind AND f.status = d.status AND f.source = d.source
           AND f.facet_values = d.facet_values
         WHERE d.n <> 0
         ORDER BY f.id
           FOR UPDATE OF f
    )
    UPDATE search_facetset f SET ndoc = f.ndoc + sets.n FROM sets WHERE f.id = sets.id;

    WITH delta AS ({delta})
    INSERT INTO search_lexeme AS x (lexeme, kind, ndoc)
    SELECT l.lexeme, d.kind, sum(d.sign)
      FROM delta d, unnest(tsvector_to_array(d.vector)) AS l(lexeme)
     WHERE d.vector IS NOT NULL
     GROUP BY 1, 2
    HAVING sum(d.sign) <> 0
     ORDER BY 1, 2
    ON CONFLICT (lexeme, kind) DO UPDATE SET ndoc = x.ndoc + EXCLUDED.ndoc;
"""
_NEW = "SELECT kind, status, source, facet_values, vector, 1 AS sign FROM new_rows"
_OLD = "SELECT kind, status, source, facet_values, vector, -1 AS sign FROM old_rows"


def _function(name: str, delta: str) -> str:
    body = _APPLY.format(delta=delta)
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\n    RETURN NULL;\nEND\n$$"
    )


POSTGRES_FORWARD = [
    "ALTER TABLE search_facetset ADD COLUMN ndoc integer NOT NULL DEFAULT 0",
    """
    CREATE TABLE search_lexeme (
        lexeme text NOT NULL,
        kind varchar(10) NOT NULL,
        ndoc integer NOT NULL,
        PRIMARY KEY (lexeme, kind)
    )
    """,
    _function("search_stats_insert", _NEW),
    _function("search_stats_delete", _OLD),
    _function("search_stats_update", f"{_NEW} UNION ALL {_OLD}"),
    """
    CREATE FUNCTION search_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_lexeme;
        UPDATE search_facetset SET ndoc = 0 WHERE ndoc <> 0;
        RETURN NULL;
    END
    $$
    """,
    # Statement triggers run after the row triggers of migration 0004, so the facet set of
    # every new row exists when its count is raised.
    "CREATE TRIGGER search_stats_insert AFTER INSERT ON search_searchdocument "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_stats_insert()",
    "CREATE TRIGGER search_stats_delete AFTER DELETE ON search_searchdocument "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_stats_delete()",
    "CREATE TRIGGER search_stats_update AFTER UPDATE ON search_searchdocument "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_stats_update()",
    "CREATE TRIGGER search_stats_truncate AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_stats_truncate()",
    """
    UPDATE search_facetset f SET ndoc = c.n
      FROM (SELECT facetset, count(*) AS n FROM search_searchmatch GROUP BY facetset) c
     WHERE f.id = c.facetset
    """,
    """
    INSERT INTO search_lexeme (lexeme, kind, ndoc)
    SELECT l.lexeme, d.kind, count(*)
      FROM search_searchdocument d, unnest(tsvector_to_array(d.vector)) AS l(lexeme)
     WHERE d.vector IS NOT NULL
     GROUP BY 1, 2
    """,
    "CREATE INDEX search_match_newest ON search_searchmatch (date DESC, id DESC)",
    "CREATE INDEX search_match_facetset ON search_searchmatch (facetset)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_match_facetset",
    "DROP INDEX IF EXISTS search_match_newest",
    "DROP TRIGGER IF EXISTS search_stats_truncate ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_stats_update ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_stats_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_stats_insert ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_stats_truncate()",
    "DROP FUNCTION IF EXISTS search_stats_update()",
    "DROP FUNCTION IF EXISTS search_stats_delete()",
    "DROP FUNCTION IF EXISTS search_stats_insert()",
    "DROP TABLE IF EXISTS search_lexeme",
    "ALTER TABLE search_facetset DROP COLUMN IF EXISTS ndoc",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_match_table")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
