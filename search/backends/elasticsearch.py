"""Elasticsearch backend on ``elasticsearch.dsl``. Matching arrives with the search issue."""

from __future__ import annotations

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions

from .base import BackendStatus


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str | None = None) -> None:
        self.client = Elasticsearch(url or settings.ELASTICSEARCH_URL, request_timeout=2)

    def status(self) -> BackendStatus:
        try:
            ok = bool(self.client.ping())
        except (es_exceptions.ConnectionError, es_exceptions.TransportError) as exc:
            return BackendStatus(self.name, False, type(exc).__name__)
        return BackendStatus(self.name, ok, "" if ok else "no answer to ping")
