"""The embedded default's clock: the periodic jobs that must happen on time, run in-process.

Production and any set-up with a broker run the periodic jobs with Celery beat
(``CELERY_BEAT_SCHEDULE``). The embedded default (``make run``: SQLite, no broker, tasks run
in-process) has no beat, so tenders would never close at their deadline, needs never at their
dialogue deadline, and scheduled Wagtail pages never go live. With ``INPROCESS_SCHEDULER`` on
(``config.settings.dev`` turns it on when tasks run in-process), ``runserver`` starts one daemon
thread that every ``INPROCESS_SCHEDULER_INTERVAL`` seconds calls the jobs named (by dotted path)
in ``INPROCESS_SCHEDULER_JOBS``, one after another.

Every job is idempotent (running it twice closes or publishes nothing more), so a tick that
overlaps a request, or a restart, is harmless. Readers never depend on a tick having run: the
lifecycle derives "closed" from the clock (``tenders.lifecycle.effective_status``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def run_jobs(paths: Sequence[str]) -> dict[str, object]:
    """Run each job once, in order; one that fails is logged and does not stop the others.
    Returns what each job returned (the exception for one that failed)."""
    results: dict[str, object] = {}
    for path in paths:
        close_old_connections()
        try:
            results[path] = import_string(path)()
        except Exception as error:  # logged with its traceback; the next tick tries again
            logger.exception("in-process scheduler: %s failed", path)
            results[path] = error
    return results


class Scheduler:
    """A daemon thread calling ``run_jobs(paths)`` every ``interval`` seconds until stopped."""

    def __init__(
        self,
        paths: Sequence[str],
        interval: float,
        *,
        run: Callable[[Sequence[str]], object] = run_jobs,
    ):
        self.paths = tuple(paths)
        self.interval = interval
        self._run = run
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="pilotmarked-scheduler", daemon=True
        )

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            while True:  # a first tick at once: whatever fell due while nothing ran
                self._run(self.paths)
                if self._stop.wait(self.interval):
                    return
        finally:
            connections.close_all()


def start_if_enabled() -> Scheduler | None:
    """Start the scheduler when the settings ask for it (the embedded default)."""
    if not getattr(settings, "INPROCESS_SCHEDULER", False):
        return None
    jobs = settings.INPROCESS_SCHEDULER_JOBS
    logger.info(
        "in-process scheduler: %d jobs every %ss", len(jobs), settings.INPROCESS_SCHEDULER_INTERVAL
    )
    return Scheduler(jobs, settings.INPROCESS_SCHEDULER_INTERVAL).start()
