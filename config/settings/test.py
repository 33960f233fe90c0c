"""Settings for the test suite.

PostgreSQL when DATABASE_URL is set (as .ci/run does), SQLite otherwise. Redis when REDIS_URL is
set. E-mail goes to Django's in-memory outbox; tasks run in-process unless a test starts a worker.
"""

import os

from .local_secrets import VAR_DIR as _VAR_DIR
from .local_secrets import local_bid_keys, local_secret, read_dotenv

read_dotenv()
os.environ.setdefault("DJANGO_SECRET_KEY", local_secret(_VAR_DIR, "secret_key"))
os.environ.setdefault("BID_KEYS", local_bid_keys(_VAR_DIR))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR_DIR / 'test.sqlite3'}")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
# Nothing listens on port 9: a registry check no test has pointed at its fake fails at once.
os.environ.setdefault("BRREG_API_URL", "http://127.0.0.1:9/enhetsregisteret/api/enheter/{orgnr}")


def _redis_db_per_xdist_worker(url: str, worker: str) -> str:
    """REDIS_URL with its database number moved up by the pytest-xdist worker's index (gw1: +1).

    Tests clear the cache (FLUSHDB) and run Celery workers on the broker: two pytest workers on
    one Redis database would wipe each other's keys and take each other's tasks.
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_db_per_xdist_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from .base import *  # noqa: E402,F403
from .base import DATABASES, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Tests change rows directly and look again: no server-side page copies unless a test turns them
# on (tests/marketplace/test_page_cache.py). Cache-Control is still sent.
PAGE_CACHE_ENABLED = False
# Tests enforce TOTP for buyer staff exactly as production does; tests that act as buyers
# log in through a client fixture that has completed MFA.
MFA_REQUIRED_FOR_STAFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=_VAR_DIR / "test-media")
# A file-based SQLite test database, so a Celery worker in another process can see it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per test run, so parallel runs don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(_VAR_DIR / f"test-run-{os.getpid()}.sqlite3")}
