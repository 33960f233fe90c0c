"""Reactions to tender events (``tenders.events``), sent after the tender's change commits."""

from __future__ import annotations
