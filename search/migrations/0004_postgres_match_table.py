"""PostgreSQL only: a narrow copy of the index for the site search to scan.

``search_searchmatch`` holds, per document row, only its id, date, weighted tsvector (GIN) and
the id of its facet set in ``search_facetset`` (one row per distinct kind, status, source and
"name=value" list: a few thousand). A search then reads few, short rows and groups its facet
counts by one integer. Triggers on ``search_searchdocument`` keep both in step with every
insert, update, delete and truncate, so the writing code is unchanged. SQLite gets nothing.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE TABLE search_facetset (
        id serial PRIMARY KEY,
        kind varchar(10) NOT NULL,
        status varchar(20) NOT NULL,
        source varchar(20) NOT NULL,
        facet_values jsonb NOT NULL,
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
    """
    INSERT INTO search_searchmatch (id, facetset, date, vector)
    SELECT id, search_facetset_of(kind, status, source, facet_values), date, vector
      FROM search_searchdocument
    """,
    "CREATE INDEX search_match_vector ON search_searchmatch USING gin (vector)",
]
POSTGRES_BACKWARD = [
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


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_facet_values")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
