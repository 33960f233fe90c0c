"""Search in the database itself: PostgreSQL full-text search, or SQLite when embedded."""

from __future__ import annotations

from django.db import DatabaseError, connection

from .base import BackendStatus


class DatabaseBackend:
    name = "database"

    def status(self) -> BackendStatus:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            return BackendStatus(self.name, False, str(exc).splitlines()[0])
        return BackendStatus(self.name, True, connection.vendor)
