"""Celery tasks found by their registered names, so that services can schedule them.

Tasks sit above services (a task loads its rows and calls one service), so a service that hands
work to a task after its commit (an invitation's e-mail, the register check of a new
organisation, the outbox's delivery) must not import the tasks module. It names the task
instead, by the name the broker's messages and beat's schedule already carry, which is stable.

A task's name starts with its app's label (``marketplace.send_invitation_email``). A Celery
worker imports every app's tasks module when it starts (autodiscovery); a web process imports the
one of the task's app here, the first time it is asked for one of its tasks. An unknown name is
an error at once, not a message no worker will take.
"""

from __future__ import annotations

from importlib import import_module

from celery import Task, current_app


def task_named(name: str) -> Task:
    """The task registered as ``name``; its ``delay`` honours eager mode like the task's own."""
    tasks = current_app.tasks
    if name not in tasks:
        import_module(f"{name.partition('.')[0]}.tasks")  # registers the app's tasks
    if name not in tasks:
        raise LookupError(f"no Celery task is registered as {name!r}")
    return tasks[name]
