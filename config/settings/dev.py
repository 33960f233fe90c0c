"""Embedded default: runs with nothing installed but Python.

SQLite, database search, tasks in-process, e-mail to the console, cache in memory.
Every value can still be overridden from the environment.
"""

import os

from .local_secrets import VAR_DIR as _VAR_DIR
from .local_secrets import local_bid_keys, local_secret, read_dotenv

read_dotenv()
os.environ.setdefault("DJANGO_SECRET_KEY", local_secret(_VAR_DIR, "secret_key"))
os.environ.setdefault("BID_KEYS", local_bid_keys(_VAR_DIR))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR_DIR / 'pilotmarked.sqlite3'}")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Demo accounts are usable at once; production always verifies e-mail addresses.
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "optional")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

# SQLite in WAL mode with synchronous=NORMAL: a commit waits for no fsync (a first migrate and
# the demo data commit hundreds of times; on a slow disk each waited ~30 ms) and readers never wait
# for the writer. A crash of the machine may lose the last commits, never the file's integrity.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(  # noqa: F405
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )

# The demo relaxes the TOTP requirement so a newcomer can click through every role.
# This is the one switch; production.py always enforces it.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# No beat without a broker: runserver closes tenders and needs and publishes pages in-process.
INPROCESS_SCHEDULER = env.bool("INPROCESS_SCHEDULER", default=CELERY_TASK_ALWAYS_EAGER)  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
