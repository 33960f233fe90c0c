"""django-filter FilterSets for tender listings."""
