"""Settings shared by every environment.

Everything that differs between machines is read from the environment (django-environ).
``dev.py`` gives an embedded default that needs nothing installed; ``production.py`` has no
defaults for secrets.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional and never required; the environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Our apps first so that their templates and translations win.
    "marketplace",
    "tenders",
    "bids",
    "pilots",
    "search",
    "matching",
    "cms",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # API, listings, background work
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc for /api/docs/ from our static files
    "django_filters",
    "django_celery_beat",
    # Security headers (config/security_headers.py)
    "csp",
]

MIDDLEWARE = [
    # First: the receipt time (bids are judged on it) before anything can wait.
    "marketplace.receipt_time.ReceivedAtMiddleware",
    "marketplace.middleware.RequestIdMiddleware",
    # Anonymous public pages from the cache (a hit skips the rest, with the headers it was
    # stored with); Cache-Control on every response (marketplace/page_cache.py, ADR 0014).
    "marketplace.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session and user (the 413 page is a normal page); the body is not read yet.
    "marketplace.upload_limits.RequestSizeLimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "marketplace.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle sessions (WCAG 2.2.1 warning in the page); after messages, which it uses.
    "marketplace.session_timeout.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.context_processors.navigation",
            ],
        },
    },
]
# Django's form renderer, with the choice widgets (select, checkboxes, radios) written in
# Python: the same bytes, without a template per option (marketplace/form_renderer.py).
FORM_RENDERER = "marketplace.form_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast (and let /readyz answer) when the server is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# The cache only speeds things up: DegradingRedisCache answers "miss" while Redis is down
# (config/cache.py), so pages and logins never depend on it. Short timeouts keep a dead Redis
# from stalling requests; after an error it is left alone for ``retry_after`` seconds.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="pilotmarked"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1,
                "retry_after": env.float("CACHE_RETRY_AFTER", default=5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pilotmarked",
        }
    }

# Anonymous public pages: "Cache-Control: public, max-age=<this>", and kept this long in the
# default cache; the longest a page may lag behind what no event announces (a deadline passing).
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)
# The server-side copy (the header is sent either way). test.py turns it off; its tests turn it on.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "marketplace:dashboard"

ACCOUNT_ADAPTER = "marketplace.accounts.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.forms.accounts.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Logins are throttled by marketplace.throttling (per account+address and per address, 429
    # with Retry-After, a database counter when the cache is down). allauth's own limits count
    # failures per account alone, which let anyone lock anyone out, and 500 without the cache.
    "login": False,
    "login_failed": False,
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pilotmarked] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pilotmarked"
# Our code forms: allauth's would lose their rate limit with login_failed off and refuse every
# code while Redis is down (their used-code marker is a cache.add).
MFA_FORMS = {
    "authenticate": "marketplace.mfa_forms.AuthenticateForm",
    "reauthenticate": "marketplace.mfa_forms.ReauthenticateForm",
}
# Buyer staff and administrators must have TOTP. Only dev.py may relax this, never production.
MFA_REQUIRED_FOR_STAFF = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
# English dates without US style for anything not written by marketplace.formatting.
FORMAT_MODULE_PATH = ["marketplace.locale_formats"]
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "pilotmarked_language"
LANGUAGE_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pilotmarked <noreply@pilotmarked.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "pilotmarked"
# Redis hands an unacknowledged message (acks_late: a worker died mid-task) to another worker
# after this many seconds. It must be longer than the longest task and the furthest ETA/countdown
# (retry backoff is capped at 600 s), or a slow task would run twice (docs/operations.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}

# --- Outbox (marketplace/outbox.py) ----------------------------------------------------------
# Must-not-lose after-commit work. A fresh row is left to its own dispatch this long before the
# sweeper takes it; after OUTBOX_MAX_ATTEMPTS failures (backoff 30 s doubling, capped at 1 h)
# it is dead-lettered and listed in the admin.
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Periodic work. django-celery-beat's DatabaseScheduler copies these into its tables on start,
# where staff can see and pause them in the admin.
CELERY_BEAT_SCHEDULE = {
    "notifications-daily-digest": {
        "task": "marketplace.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Tenders: close every published tender whose submission deadline has passed.
    "tenders-close-due": {
        "task": "tenders.close_due_tenders",
        "schedule": crontab(minute="*"),
    },
    # Tenders: close every open need whose dialogue deadline has passed.
    "needs-close-due": {
        "task": "tenders.close_due_needs",
        "schedule": crontab(minute="*"),
    },
    # OCDS: releases for changes no domain event announces (a pilot's progress; docs/ocds.md).
    "ocds-publish-releases": {
        "task": "tenders.ocds_publish_releases",
        "schedule": crontab(hour=2, minute=30),
    },
    # Outbox: deliver what the broker missed, retry what failed (marketplace/outbox.py).
    "outbox-sweep": {
        "task": "marketplace.sweep_outbox",
        "schedule": crontab(minute="*"),
    },
    # Audit: summaries of closed refused-access windows; tallies pruned (ADR 0013).
    "audit-summarise-refusals": {
        "task": "marketplace.summarise_refusals",
        "schedule": crontab(minute="*/10"),
    },
    # CMS: pages scheduled to go live (or expire) in Wagtail.
    "cms-publish-scheduled": {
        "task": "cms.publish_scheduled",
        "schedule": crontab(minute="*"),
    },
    # Uploads: documents still pending a virus scan (clamd was down) are sent again.
    "tenders-scan-pending": {
        "task": "tenders.scan_pending_documents",
        "schedule": crontab(minute="*/5"),
    },
    "bids-scan-pending": {
        "task": "bids.scan_pending_documents",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Search ---------------------------------------------------------------------------------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = env(
    "SEARCH_BACKEND",
    default="search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "search.backends.database.DatabaseBackend",
)
# Elasticsearch indices are "<prefix>-<kind>" aliases over versioned indices (tests use their own).
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="pilotmarked")


# --- Matching and alerts ---------------------------------------------------------------------
# The matching weights live in matching/scoring.py (one place). Alerts: an outbox row per
# published or amended need/tender version; the sweeper re-sends rows older than this.
ALERT_SWEEP_AFTER_SECONDS = env.int("ALERT_SWEEP_AFTER_SECONDS", default=300)
# Delivery runs as a chain of tasks, each telling this many alerts' owners (their inbox rows in
# one INSERT, their e-mails over one SMTP connection) before sending the next; the sweeper is the
# safety net. Bounded so a task's memory and SMTP conversation stay small.
ALERT_DELIVERY_BATCH = env.int("ALERT_DELIVERY_BATCH", default=500)
CELERY_BEAT_SCHEDULE["matching-sweep-alerts"] = {
    "task": "matching.sweep_alerts",
    "schedule": crontab(minute="*/5"),
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Pilotmarked"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
# Editors' documents pass the site's one upload validator too (marketplace/uploads.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.upload_forms.CheckedDocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("WAGTAILDOCS_MAX_UPLOAD_SIZE", default=50 * 1024 * 1024)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Content in both languages through Wagtail's own locales: each page has a Bokmål original and
# an English translation (docs/adr/0005-cms-languages.md). i18n_patterns serves the English tree
# under /en/.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False
# One search index: ours (search/), which page_published fills for site search. Wagtail's admin
# search (pages, images, documents, snippets) reads the models' fields directly through its
# fallback backend, which keeps no index of its own: nothing writes wagtailsearch_indexentry and
# there is no second index to rebuild (issue 17).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database.fallback", "AUTO_UPDATE": False}
}
WAGTAIL_EDITORS_GROUP = "Editors"
# The accessibility statement as published on uustatus.no (Uutilsynet's service, where each
# deployment's statement has its own address and reports to the authority start); the statement
# page links to it. Until the county publishes there, the service's front page.
UUSTATUS_STATEMENT_URL = env("UUSTATUS_STATEMENT_URL", default="https://uustatus.no/")
# One way in: editors log in, change and reset passwords through allauth (with TOTP), never
# through Wagtail's own forms, which know nothing of the second factor.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False

# --- Client address, throttling, idle sessions ----------------------------------------------
# How many reverse proxies in front of the site append to X-Forwarded-For (0: none, use
# REMOTE_ADDR). marketplace.client_address reads it; throttles and audit use that.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# "<count>/<period>", the period one of s, min, h, d with an optional multiple ("5/15min").
# Counters live in the cache, in the database while the cache is down (marketplace.throttling).
THROTTLE_RATES = {
    # Failed logins: per account and address, and per address. Never per account alone.
    "login_account_address": env("LOGIN_FAILURE_RATE", default="5/15min"),
    "login_address": env("LOGIN_ADDRESS_FAILURE_RATE", default="30/15min"),
    # Wrong TOTP codes per person and address (after a right password: marketplace.mfa_forms).
    "mfa_user_address": env("MFA_FAILURE_RATE", default="5/15min"),
    "search": env("SEARCH_RATE", default="60/min"),
    "api": env("API_RATE", default="120/min"),
    # The CPV picker's type-ahead sends a request per pause in typing.
    "cpv": env("CPV_API_RATE", default="300/min"),
}
# Sessions end after this long without a request; a dialog warns before (WCAG 2.2.1).
# Buyer staff and everyone else who must use TOTP get the short limit, suppliers the long one.
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=4 * 60 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
# Personal API tokens: the longest lifetime a person may choose, in days.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
CELERY_BEAT_SCHEDULE["marketplace-purge-throttle-counters"] = {
    "task": "marketplace.purge_throttle_counters",
    "schedule": crontab(minute="*/15"),
}

# Without a beat (the embedded default), ``runserver`` runs the jobs that must happen on time in
# a thread of its own (marketplace/scheduler.py); dev.py turns it on when tasks run in-process.
INPROCESS_SCHEDULER = env.bool("INPROCESS_SCHEDULER", default=False)
INPROCESS_SCHEDULER_INTERVAL = env.int("INPROCESS_SCHEDULER_INTERVAL", default=30)
INPROCESS_SCHEDULER_JOBS = [
    "tenders.tasks.close_due_tenders",
    "tenders.tasks.close_due_needs",
    "cms.tasks.publish_scheduled",
    "marketplace.tasks.sweep_outbox",
]

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Sessions (with CSRF) and personal API tokens; never HTTP Basic, which would skip TOTP and
    # the login throttle (marketplace.api.auth).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.api.auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "marketplace.api.auth.TokenHasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["marketplace.api.auth.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Errors as RFC 9457 problem details (application/problem+json).
    "EXCEPTION_HANDLER": "marketplace.api.problems.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pilotmarked API",
    "VERSION": "0.1.0",
    # drf-spectacular's deploy check builds a schema of every DRF view, Wagtail's admin API
    # included, which it cannot describe (and queries the database to try), so
    # `check --deploy` failed on warnings about Wagtail's views, not ours. Our own API's schema
    # belongs in that API's tests.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "PREPROCESSING_HOOKS": ["config.openapi.only_our_api"],
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Domain ---------------------------------------------------------------------------------
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Invitations e-mail any address an organisation admin types: a cap keeps that from being spam.
INVITATIONS_PER_HOUR = env.int("INVITATIONS_PER_HOUR", default=30)
# Shared reference data (CPV, places, Doffin notices). Used by import commands, tests and
# benchmarks only; the product never needs it at run time.
PILOTMARKED_DATA_DIR = env.path("PILOTMARKED_DATA_DIR", default=BASE_DIR.parent / "shared" / "data")
# ESPD-EDM 4.1.0 (XSD, business rules, criterion taxonomy): read by `manage.py
# espd_import_criteria` and the ESPD validator; chosen criteria are stored in the database.
ESPD_EDM_DIR = env.path("ESPD_EDM_DIR", default=f"{PILOTMARKED_DATA_DIR}/espd-edm-4.1.0")
# An ESPD response XML imported from another tool (a few hundred kilobytes in practice).
ESPD_XML_MAX_BYTES = env.int("ESPD_XML_MAX_BYTES", default=5 * 1024 * 1024)
# eForms notices for Doffin (tenders.eforms, ADR 0016). The SDK (XSD, Schematron) is needed to
# validate and send, never to generate: unset, validation says it is not configured. The rules
# are compiled once into EFORMS_CACHE_DIR (one folder per SDK version).
_EFORMS_DATA = (
    f"{env.str('PILOTMARKED_DATA_DIR')}/eforms" if env.str("PILOTMARKED_DATA_DIR", "") else ""
)
EFORMS_SDK_DIR = env.str("EFORMS_SDK_DIR", default=_EFORMS_DATA and f"{_EFORMS_DATA}/sdk-1.14.2")
# Norway's tailoring (eforms-sdk-nor): its national-e rules judge the national forms E3/E4.
EFORMS_NOR_DIR = env.str("EFORMS_NOR_DIR", default=_EFORMS_DATA and f"{_EFORMS_DATA}/nor")
EFORMS_CACHE_DIR = env.str("EFORMS_CACHE_DIR", default=str(BASE_DIR / "var" / "eforms-cache"))
# A notice names the buyer's postal address and contact, which organisations do not hold: they
# are configured by organisation number (JSON {"930580783": {"city", "postal_code", "nuts",
# "email", "phone"}}). The EU rules ask for the buyer's telephone (BT-503).
EFORMS_BUYER_ADDRESSES = env.json(
    "EFORMS_BUYER_ADDRESSES",
    default={
        "930580783": {
            "city": "Oslo",
            "postal_code": "0107",
            "nuts": "NO081",
            "email": "postmottak@afk.no",
            # The county's switchboard as published on afk.no: the operator must confirm it
            # (or set EFORMS_BUYER_ADDRESSES) before notices are sent.
            "phone": "+47 22 05 50 00",
        }
    },
)
# The review body every notice names (BT-500/501/503 of ORG-0002): the district court where
# the buyer sits. The default is the one Norway's own eForms examples name, Oslo tingrett
# (eforms-sdk-nor src/tests/eu/test/pin-only_24.xml): Akershus fylkeskommune sits in Oslo.
EFORMS_REVIEW_BODY = env.json(
    "EFORMS_REVIEW_BODY",
    default={
        "name": "Oslo tingrett",
        "org_number": "926725939",
        "city": "Oslo",
        "postal_code": "0125",
        "nuts": "NO081",
        "email": "oslo.tingrett@domstol.no",
        "phone": "+47 22035200",
        "website": "https://www.domstol.no/no/domstoler/tingrett/oslo-tingrett/",
    },
)
# The place of performance when a tender names no municipality (Akershus).
EFORMS_DEFAULT_NUTS = env.str("EFORMS_DEFAULT_NUTS", default="NO084")
# Doffin's Notices API (tenders.eforms.doffin): nothing is sent unless URL and key are set.
DOFFIN_NOTICES_API_URL = env.str("DOFFIN_NOTICES_API_URL", default="")
DOFFIN_NOTICES_API_KEY = env.str("DOFFIN_NOTICES_API_KEY", default="")
DOFFIN_NOTICES_API_SUBMIT_PATH = env.str("DOFFIN_NOTICES_API_SUBMIT_PATH", default="/notices")
DOFFIN_NOTICES_API_TIMEOUT_SECONDS = env.float("DOFFIN_NOTICES_API_TIMEOUT_SECONDS", default=30.0)
DOFFIN_NOTICES_API_ATTEMPTS = env.int("DOFFIN_NOTICES_API_ATTEMPTS", default=3)
DOFFIN_NOTICES_API_BACKOFF_SECONDS = env.float("DOFFIN_NOTICES_API_BACKOFF_SECONDS", default=2.0)
# The Brønnøysund Register Centre's open entity API (profile pre-fill); {orgnr} is filled in.
BRREG_API_URL = env(
    "BRREG_API_URL", default="https://data.brreg.no/enhetsregisteret/api/enheter/{orgnr}"
)
BRREG_TIMEOUT_SECONDS = env.float("BRREG_TIMEOUT_SECONDS", default=3.0)
# Dotted path of the callable that fetches a URL (tests point it at a recording fake).
BRREG_TRANSPORT = env("BRREG_TRANSPORT", default="marketplace.brreg.urllib_transport")
# Refused access (ADR 0013): repeats of one kind from one address and user within the window add
# to a tally instead of the audit chain; tallies (they hold IP addresses) go after the retention.
AUDIT_REFUSAL_WINDOW_SECONDS = env.int("AUDIT_REFUSAL_WINDOW_SECONDS", default=600)
AUDIT_REFUSAL_RETENTION_DAYS = env.int("AUDIT_REFUSAL_RETENTION_DAYS", default=90)

# Tenders: references are <prefix>-<year>-NNNN (AFK-2026-0001); uploads are limited in size.
TENDER_REFERENCE_PREFIX = env("TENDER_REFERENCE_PREFIX", default="AFK")
TENDER_DOCUMENT_MAX_BYTES = env.int("TENDER_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
# Tender documents are kept here, never under MEDIA_ROOT (empty: "private" next to MEDIA_ROOT).
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default="")

# --- Uploads (marketplace/uploads.py, marketplace/upload_limits.py, marketplace/clamd.py) -----
# A request body over this is answered 413 before it is read (the largest file plus the form).
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=210 * 1024 * 1024)
# Files over this go to a temporary file while the request is read, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2621440)
# Office packages (ZIP): refused when they unpack to more than this, or this many times their size.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_BYTES", default=500 * 1024 * 1024)
UPLOAD_MAX_EXPANSION = env.int("UPLOAD_MAX_EXPANSION", default=100)
# Stored files per organisation (tender and bid documents together); 0 means no quota.
UPLOAD_QUOTA_PER_ORGANISATION = env.int(
    "UPLOAD_QUOTA_PER_ORGANISATION", default=5 * 1024 * 1024 * 1024
)
# Virus scanning: tcp://host:3310 or a unix socket path of clamd; empty means no scanning.
CLAMD_URL = env("CLAMD_URL", default="")
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=60.0)

# --- Bids -----------------------------------------------------------------------------------
# Key-encryption keys that wrap every bid's data key: "id:base64(32 bytes)", current first.
# Never stored in the database. dev.py and test.py generate one into var/; production refuses
# to start without it (see bids.crypto).
BID_KEYS = env.list("BID_KEYS")
# Upload limits for bid documents: one file, and all documents of one bid together.
BID_DOCUMENT_MAX_BYTES = env.int("BID_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
BID_TOTAL_MAX_BYTES = env.int("BID_TOTAL_MAX_BYTES", default=200 * 1024 * 1024)
# Days between an award decision and the earliest contract signature (standstill period).
BID_STANDSTILL_DAYS = env.int("BID_STANDSTILL_DAYS", default=10)
# A bid is on time when the request was received before the deadline (marketplace.receipt_time).
# Turn on only behind a proxy that sets X-Request-Start itself (nginx: "t=${msec}"), so time
# queued for a worker counts as received; a client could otherwise send the header.
TRUST_X_REQUEST_START = env.bool("TRUST_X_REQUEST_START", default=False)

# Open data (OCDS). The ocid prefix is registered with the Open Contracting Partnership
# ("ocds-" + six characters, free: see tenders/ocds/checks.py); every ocid is the prefix plus the
# tender reference. The placeholder below is for development: `check --deploy` refuses it.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", default="ocds-xxxxxx-pilotmarked-")
OCDS_PUBLISHER_NAME = env("OCDS_PUBLISHER_NAME", default="Pilotmarked")
OCDS_LICENSE_URL = env("OCDS_LICENSE_URL", default="https://data.norge.no/nlod/en/2.0")
OCDS_PAGE_SIZE = env.int("OCDS_PAGE_SIZE", default=100)

# --- Security -------------------------------------------------------------------------------
# Sessions live in the database and are read from the cache while it answers (Django's
# cached_db, copies kept at most five minutes: marketplace/sessions.py); Redis down, they are
# read from the database, so no one is signed out.
SESSION_ENGINE = "marketplace.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "marketplace.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp; config/security_headers.py picks the policy by path).
# Our pages: scripts from our origin or carrying the request's nonce, no inline styles except
# the self-contained 500 page's (nonce), no plugins, no <base>, never framed. frame-src admits
# the video hosts a CMS video block embeds from.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# The Wagtail and Django admin sites: Wagtail's admin writes inline <script> (date and time
# widgets, inline panels) and inline styles, so 'unsafe-inline' is allowed here and nowhere
# else (no nonce: a nonce would make browsers ignore it). Image uploads preview as blob: URLs,
# the update notice asks releases.wagtail.org, and page previews frame the admin's own preview
# URLs.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/cms-admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF, "https://releases.wagtail.org"],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    },
}
# No Gravatar in the CMS admin: it would send a hash of each editor's e-mail address to a
# third party on every admin page (Wagtail shows initials instead).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Browser features no page of ours uses (django-permissions-policy). No interest-based ads
# either: browsing-topics (the Topics API) and interest-cohort (FLoC, its predecessor).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.request_context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "faker": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
