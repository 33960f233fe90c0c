"""drf-spectacular hooks."""


def only_our_api(endpoints):
    """Describe our own API under /api/, not Wagtail's admin API or anything else DRF serves."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
