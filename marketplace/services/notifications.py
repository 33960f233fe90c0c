"""The one way the site tells a person something: inbox, e-mail, preferences."""

from __future__ import annotations

from marketplace.models import Notification


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    template: str,
    context: dict | None = None,
    url: str = "",
) -> Notification:
    """Tell ``recipient`` something: stored in the inbox, e-mailed per their preference.

    ``template`` names a pair ``<template>_subject.txt`` / ``<template>_body.txt`` rendered in
    the recipient's language with ``context``. Idempotent on ``(recipient, key)``: calling again
    with the same key returns the existing notification and sends nothing.
    """
    raise NotImplementedError
