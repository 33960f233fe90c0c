"""Celery application. The broker comes from REDIS_URL (CELERY_BROKER_URL overrides it).

In the embedded default (no REDIS_URL) tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("pilotmarked")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
