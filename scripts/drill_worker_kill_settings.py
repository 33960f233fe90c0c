"""Settings of the worker-kill drill (scripts/drill_worker_kill.py): the embedded default with
the broker, database and timeouts from the drill's environment, and e-mail recorded in a table
in the sender's transaction (the drill's edge), never sent."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
EMAIL_BACKEND = "scripts.drill_worker_kill.RecordingEmailBackend"
