"""Sending to Doffin against a local fake of the Notices API (an HTTP server in the test)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from marketplace.errors import PermissionDenied
from tenders.eforms import doffin
from tenders.eforms.doffin import DoffinNotConfigured
from tenders.eforms.sending import notice_send, notice_submit
from tenders.models import NoticeSubmission

pytestmark = pytest.mark.django_db


class FakeDoffin:
    """Answers each POST with the next of ``answers`` (status, body[, headers]); records every
    request."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status, answer, *headers = fake.answers.pop(0) if fake.answers else (500, {})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def officer(buyer, below):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.PROCUREMENT_OFFICER)


def configure(settings, url: str) -> None:
    settings.DOFFIN_NOTICES_API_URL = url
    settings.DOFFIN_NOTICES_API_KEY = "test-key"
    settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS = 0


def test_nothing_is_sent_unless_configured(settings, below, officer):
    settings.DOFFIN_NOTICES_API_URL = ""

    with pytest.raises(DoffinNotConfigured):
        notice_send(tender=below, kind="contract", by=officer)
    assert not NoticeSubmission.objects.exists()


def test_another_organisations_officer_may_not_send(settings, below):
    from marketplace.models import Role
    from tests.factories import BuyerFactory
    from tests.factories.bid_evaluation import buyer_user

    configure(settings, "http://127.0.0.1:9/api")
    stranger = buyer_user(BuyerFactory(), Role.PROCUREMENT_OFFICER)

    with pytest.raises(PermissionDenied):
        notice_send(tender=below, kind="contract", by=stranger)
    assert not NoticeSubmission.objects.exists()


@pytest.mark.eforms_rules
def test_sends_retries_a_5xx_and_records_doffins_answer(
    eforms_rules, settings, below, officer, django_capture_on_commit_callbacks
):
    answers = [(503, {"error": "busy"}), (201, {"doffinId": "2026-100001", "status": "Submitted"})]
    with FakeDoffin(answers) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=True):
            submission = notice_send(tender=below, kind="contract", by=officer)

    submission.refresh_from_db()
    assert [r["path"] for r in fake.requests] == ["/api/notices", "/api/notices"]
    assert fake.requests[1]["headers"]["Ocp-Apim-Subscription-Key"] == "test-key"
    assert fake.requests[1]["body"] == submission.xml.encode()
    assert submission.status == NoticeSubmission.Status.SUBMITTED
    assert submission.doffin_id == "2026-100001"
    assert submission.attempts == 2 and submission.http_status == 201
    # a second run of the task sends nothing
    notice_submit(submission_id=submission.pk)
    assert len(fake.requests) == 2


@pytest.mark.eforms_rules
def test_a_refusal_is_recorded_not_retried(
    eforms_rules, settings, below, officer, django_capture_on_commit_callbacks
):
    with FakeDoffin([(400, {"errors": ["BR-BT-00021 ..."]})]) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=True):
            submission = notice_send(tender=below, kind="contract", by=officer)

    submission.refresh_from_db()
    assert len(fake.requests) == 1
    assert submission.status == NoticeSubmission.Status.REJECTED
    assert submission.response == {"errors": ["BR-BT-00021 ..."]}


@pytest.mark.eforms_rules
def test_a_new_version_when_the_same_notice_is_sent_again(
    eforms_rules, settings, below, officer, django_capture_on_commit_callbacks
):
    answers = [(201, {"doffinId": "2026-1"}), (201, {"doffinId": "2026-2"})]
    with FakeDoffin(answers) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=True):
            first = notice_send(tender=below, kind="contract", by=officer)
        with django_capture_on_commit_callbacks(execute=True):
            second = notice_send(tender=below, kind="contract", by=officer)

    assert first.version == "01"
    assert second.notice_id == first.notice_id and second.version == "02"


# --- Retrying (tenacity) against the fake, with a recording clock ---------------------------


class Pauses(list):
    """Stands in for ``time.sleep``: records each pause instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_busy_answers_are_retried_with_doubling_pauses_then_given_up(settings, caplog):
    pauses = Pauses()
    with FakeDoffin([(503, {"error": "busy"}), (502, {}), (500, {"error": "down"})]) as fake:
        configure(settings, fake.url)
        settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS = 2
        with caplog.at_level(logging.WARNING, logger="tenders.eforms.doffin"):
            answer = doffin.submit(b"<xml/>", sleep=pauses)

    assert len(fake.requests) == settings.DOFFIN_NOTICES_API_ATTEMPTS == 3
    assert pauses == [2.0, 4.0]
    assert (answer.http_status, answer.body, answer.attempts) == (500, {"error": "down"}, 3)
    assert not answer.accepted and not answer.refused
    assert [r.getMessage() for r in caplog.records] == [
        "Doffin answered 503 (attempt 1 of 3); trying again in 2.0 s",
        "Doffin answered 502 (attempt 2 of 3); trying again in 4.0 s",
    ]


def test_too_many_requests_waits_as_long_as_retry_after_asks_at_most_a_minute(settings):
    pauses = Pauses()
    answers = [
        (429, {}, {"Retry-After": "7"}),
        (429, {}, {"Retry-After": "3600"}),
        (201, {"doffinId": "2026-1"}),
    ]
    with FakeDoffin(answers) as fake:
        configure(settings, fake.url)
        settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS = 2
        answer = doffin.submit(b"<xml/>", sleep=pauses)

    assert len(fake.requests) == 3
    assert pauses == [7.0, doffin.RETRY_AFTER_CAP_SECONDS]
    assert answer.accepted and answer.attempts == 3


def test_a_429_that_never_clears_is_not_a_refusal(settings):
    with FakeDoffin([(429, {})] * 3) as fake:
        configure(settings, fake.url)
        answer = doffin.submit(b"<xml/>", sleep=Pauses())

    assert len(fake.requests) == 3
    assert answer.http_status == 429 and not answer.refused


def test_a_4xx_is_final(settings):
    pauses = Pauses()
    with FakeDoffin([(422, {"errors": ["BR-..."]}), (201, {})]) as fake:
        configure(settings, fake.url)
        answer = doffin.submit(b"<xml/>", sleep=pauses)

    assert len(fake.requests) == 1 and pauses == []
    assert answer.refused and answer.attempts == 1


def test_no_answer_is_retried(settings):
    with socket.socket() as closed:  # a port nothing listens on once this socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    pauses = Pauses()
    configure(settings, f"http://127.0.0.1:{port}/api")
    settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS = 1

    answer = doffin.submit(b"<xml/>", sleep=pauses)

    assert answer.http_status is None and "refused" in answer.body["error"].lower()
    assert answer.attempts == 3 and pauses == [1.0, 2.0]
