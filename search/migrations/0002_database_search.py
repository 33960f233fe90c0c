"""What the search index needs beyond its tables, per database.

Full-text indexes each database can use: PostgreSQL's GIN and trigram, SQLite's FTS5 (a content
table and its vocabulary).

PostgreSQL only, a narrow copy of the index for the site search to scan.

``search_searchmatch`` holds, per document row, only its id, date, weighted tsvector (GIN) and
the id of its facet set in ``search_facetset`` (one row per distinct kind, status, source and
"name=value" list: a few thousand). A search then reads few, short rows and groups its facet
counts by one integer. Triggers on ``search_searchdocument`` keep both in step with every
insert, update, delete and truncate, so the writing code is unchanged. SQLite gets nothing.

PostgreSQL only, what the site search knows before it reads a row.

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

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FULLTEXT_POSTGRES = [
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    "CREATE INDEX search_document_title_trgm ON search_searchdocument "
    "USING gin (lower(title) gin_trgm_ops)",
]
FULLTEXT_POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
]
FULLTEXT_SQLITE = [
    "CREATE VIRTUAL TABLE search_document_fts USING fts5("
    "title, labels, body, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE search_document_vocab USING fts5vocab(search_document_fts, 'row')",
]
FULLTEXT_SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS search_document_vocab",
    "DROP TABLE IF EXISTS search_document_fts",
]


MATCH_TABLE_POSTGRES = [
    """
    CREATE TABLE search_facetset (
        id serial PRIMARY KEY,
        kind varchar(10) NOT NULL,
        status varchar(20) NOT NULL,
        source varchar(20) NOT NULL,
        facet_values jsonb NOT NULL,
        ndoc integer NOT NULL DEFAULT 0,
        CONSTRAINT search_facetset_once UNIQUE (kind, status, source, facet_values)
    )
    """,
    """
    CREATE TABLE search_searchmatch (
        id bigint PRIMARY KEY,
        facetset integer NOT NULL,
        date timestamp with time zone,
        vector tsvector
    )
    """,
    """
    CREATE FUNCTION search_facetset_of(k text, st text, so text, fv jsonb) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
        found integer;
    BEGIN
        SELECT id INTO found FROM search_facetset
         WHERE kind = k AND status = st AND source = so AND facet_values = fv;
        IF found IS NULL THEN
            INSERT INTO search_facetset (kind, status, source, facet_values)
            VALUES (k, st, so, fv) ON CONFLICT DO NOTHING RETURNING id INTO found;
        END IF;
        IF found IS NULL THEN
            SELECT id INTO found FROM search_facetset
             WHERE kind = k AND status = st AND source = so AND facet_values = fv;
        END IF;
        RETURN found;
    END
    $$
    """,
    """
    CREATE FUNCTION search_match_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_searchmatch (id, facetset, date, vector)
        VALUES (NEW.id,
                search_facetset_of(NEW.kind, NEW.status, NEW.source, NEW.facet_values),
                NEW.date, NEW.vector)
        ON CONFLICT (id) DO UPDATE
           SET facetset = EXCLUDED.facetset, date = EXCLUDED.date, vector = EXCLUDED.vector;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION search_match_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_searchmatch WHERE id = OLD.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION search_match_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_searchmatch;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER search_match_write AFTER INSERT OR UPDATE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_match_write()",
    "CREATE TRIGGER search_match_delete AFTER DELETE ON search_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION search_match_delete()",
    "CREATE TRIGGER search_match_truncate AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_match_truncate()",
    "CREATE INDEX search_match_vector ON search_searchmatch USING gin (vector)",
]
MATCH_TABLE_POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_match_truncate ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_match_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_match_write ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_match_truncate()",
    "DROP FUNCTION IF EXISTS search_match_delete()",
    "DROP FUNCTION IF EXISTS search_match_write()",
    "DROP FUNCTION IF EXISTS search_facetset_of(text, text, text, jsonb)",
    "DROP TABLE IF EXISTS search_searchmatch",
    "DROP TABLE IF EXISTS search_facetset",
]


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


STATS_POSTGRES = [
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
    # Statement triggers run after the row triggers above, so the facet set of
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
    "CREATE INDEX search_match_newest ON search_searchmatch (date DESC, id DESC)",
    "CREATE INDEX search_match_facetset ON search_searchmatch (facetset)",
]
STATS_POSTGRES_BACKWARD = [
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
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": FULLTEXT_POSTGRES, "sqlite": FULLTEXT_SQLITE}),
            _run({"postgresql": FULLTEXT_POSTGRES_BACKWARD, "sqlite": FULLTEXT_SQLITE_BACKWARD}),
            elidable=False,
        ),
        migrations.RunPython(
            _run({"postgresql": MATCH_TABLE_POSTGRES + STATS_POSTGRES}),
            _run({"postgresql": STATS_POSTGRES_BACKWARD + MATCH_TABLE_POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
