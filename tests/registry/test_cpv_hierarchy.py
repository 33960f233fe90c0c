import pytest
from django.db import connection

from marketplace.models import CpvCode
from marketplace.selectors.classification import cpv_ancestors

from .helpers import load_demo_cpv


@pytest.mark.django_db
def test_under_includes_the_branch_in_one_query(django_assert_num_queries):
    load_demo_cpv()

    with django_assert_num_queries(1):
        codes = list(CpvCode.objects.under("72000000").values_list("code", flat=True))

    assert "72000000" in codes
    assert "72212000" in codes
    assert "72212100" in codes
    assert "48000000" not in codes
    assert all(code.startswith("72") for code in codes)


@pytest.mark.django_db
def test_under_several_codes_and_descendants_exclude_the_code_itself():
    load_demo_cpv()

    codes = set(CpvCode.objects.under("45230000", "90500000").values_list("code", flat=True))
    branch = set(CpvCode.objects.get(code="72210000").descendants().values_list("code", flat=True))

    assert {"45230000", "45233000", "90500000", "90510000", "90511000"} <= codes
    assert "45200000" not in codes
    assert branch == {"72212000", "72212100"}


@pytest.mark.django_db
def test_ancestors_come_division_first_in_one_query(django_assert_num_queries):
    load_demo_cpv()
    code = CpvCode.objects.get(code="72212100")

    with django_assert_num_queries(1):
        ancestors = [ancestor.code for ancestor in cpv_ancestors(code)]

    assert ancestors == ["72000000", "72200000", "72210000", "72212000"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plan is PostgreSQL's")
def test_under_uses_the_primary_key_index_on_postgresql():
    load_demo_cpv()
    queryset = CpvCode.objects.under("72000000").values_list("code", flat=True)
    sql, params = queryset.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "marketplace_cpvcode_pkey" in plan
    assert "Seq Scan" not in plan
