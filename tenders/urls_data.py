"""Open data outside the language prefixes: OCDS packages and feeds."""

app_name = "tenders_data"

urlpatterns: list = []
