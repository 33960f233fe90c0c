"""Public listings that go through the search interface: the supplier directory."""

app_name = "search"

urlpatterns: list = []
