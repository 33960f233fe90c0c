"""CPV look-up for the picker's type-ahead."""

urlpatterns: list = []
