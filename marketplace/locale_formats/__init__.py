"""Django's per-language date formats where ours differ (``FORMAT_MODULE_PATH``): a safety net
for any ``|date`` or admin page that does not go through ``marketplace.formatting``."""
