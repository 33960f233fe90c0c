"""Public supplier profiles."""

urlpatterns: list = []
