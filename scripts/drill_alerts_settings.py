"""Settings of the alert drill (scripts/drill_alerts.py): the embedded default with the
broker, database and SMTP server (the drill's own, on loopback) from the drill's environment."""

import os

from config.settings.dev import *  # noqa: F403

DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("DRILL_SMTP_PORT", "25"))
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 30
