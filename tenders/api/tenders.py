"""Read-only tender API (DRF)."""

urlpatterns: list = []
