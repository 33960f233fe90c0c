"""Public supplier profile pages."""

urlpatterns: list = []
