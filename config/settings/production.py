"""Production: every secret from the environment, no insecure fallbacks.

``manage.py check --deploy --settings=config.settings.production`` passes.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
MFA_REQUIRED_FOR_STAFF = True
# OCDS_OCID_PREFIX must be the prefix the Open Contracting Partnership registered for us:
# `check --deploy` refuses the placeholder (tenders.ocds.checks, tenders.E001).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"

# Keep database connections between requests: opening a PostgreSQL connection costs more than
# most pages' queries (a signed-in /healthz ran at 14 % of the anonymous one without this).
# Django checks a kept connection before reusing it, so a restarted database costs one check.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
