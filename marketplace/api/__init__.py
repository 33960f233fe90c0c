"""Read-only JSON API (DRF), documented by drf-spectacular at /api/schema/."""
