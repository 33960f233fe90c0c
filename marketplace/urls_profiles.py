"""A supplier's own profile: editing, references, contact person (members only)."""

urlpatterns: list = []
