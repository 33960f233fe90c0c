import pytest

from .helpers import load_demo_cpv

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpv():
    load_demo_cpv()


def test_list_searches_both_labels_and_the_code(client, cpv):
    by_nb = client.get("/api/cpv/", {"q": "datatjenester", "lang": "en"}).json()
    by_code = client.get("/api/cpv/", {"q": "7221"}).json()

    first = by_nb["results"][0]
    assert first == {
        "code": "72000000",
        "code_with_check_digit": "72000000-5",
        "level": "division",
        "parent": None,
        "name_nb": "Datatjenester: rådgivning, programvareutvikling, internett og systemstøtte",
        "name_en": "IT services: consulting, software development, Internet and support",
        "name": "IT services: consulting, software development, Internet and support",
    }
    assert {row["code"] for row in by_code["results"]} == {"72210000", "72212000", "72212100"}


def test_list_filters_by_level_and_branch(client, cpv, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/cpv/", {"under": "72000000", "level": "class"})

    data = response.json()
    assert response.status_code == 200
    assert data["count"] == len(data["results"]) >= 1
    assert all(row["code"].startswith("72") for row in data["results"])
    assert {row["level"] for row in data["results"]} == {"class"}
    assert "72210000" in {row["code"] for row in data["results"]}


def test_name_is_in_the_language_asked_for(client, cpv):
    default = client.get("/api/cpv/72000000/").json()
    nb = client.get("/api/cpv/72000000/", {"lang": "nb"}).json()
    en = client.get("/api/cpv/72000000/", {"lang": "en"}).json()

    assert default["name"] == nb["name"] == default["name_nb"]  # Bokmål is the default
    assert en["name"].startswith("IT services")


def test_detail_has_children_count_and_ancestors(client, cpv):
    response = client.get("/api/cpv/72212000-4/")

    data = response.json()
    assert response.status_code == 200
    assert data["parent"] == "72210000"
    assert data["children_count"] == 1  # 72212100 in the demo subset
    assert [row["code"] for row in data["ancestors"]] == ["72000000", "72200000", "72210000"]


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/cpv/?under=abc", "under"), ("/api/cpv/?level=chapter", "level")],
)
def test_bad_input_is_a_400_problem(client, cpv, url, field):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Bad Request"
    assert problem["status"] == 400
    assert problem["detail"]
    assert field in problem["errors"]


def test_unknown_code_is_a_404_problem(client, cpv):
    response = client.get("/api/cpv/99999999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_api_is_read_only(client, cpv):
    response = client.post("/api/cpv/", {"code": "1"})

    assert response.status_code == 405
    assert response.json()["title"] == "Method Not Allowed"


def test_schema_documents_the_cpv_endpoints(client):
    response = client.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/cpv/" in paths
    assert "/api/cpv/{code}/" in paths
    parameters = {p["name"] for p in paths["/api/cpv/"]["get"]["parameters"]}
    assert {"q", "level", "under", "lang"} <= parameters
