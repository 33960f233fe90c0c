"""needs URLs (see tenders/urls.py)."""

urlpatterns: list = []
