"""Badges on a tender, computed from the tender and a given time (no database rows needed)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from tenders.badges import tender_badges
from tests.factories.tenders import TenderFactory

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def badges(**fields) -> list[tuple[str, str]]:
    fields.setdefault("status", "published")
    has_smb_lots = fields.pop("has_smb_lots", False)
    tender = TenderFactory.build(buyer=None, unit=None, **fields)
    tender.has_smb_lots = has_smb_lots  # as the listing's selector annotates it
    with translation.override("en"):
        return [(badge.kind, badge.label) for badge in tender_badges(tender, now=NOW)]


@pytest.mark.parametrize(
    ("left", "label"),
    [
        (datetime.timedelta(days=3, hours=2), "Closes in 3 days"),
        (datetime.timedelta(days=1), "Closes in 1 day"),
        (datetime.timedelta(hours=5, minutes=59), "Closes in 5 hours"),
        (datetime.timedelta(hours=1), "Closes in 1 hour"),
        (datetime.timedelta(minutes=20), "Closes within an hour"),
        (datetime.timedelta(days=14), "Closes in 14 days"),
    ],
)
def test_closing_soon(left, label):
    assert badges(submission_deadline=NOW + left, question_deadline=None) == [("closing", label)]


def test_no_closing_badge_more_than_two_weeks_ahead():
    deadline = NOW + datetime.timedelta(days=14, minutes=1)
    assert badges(submission_deadline=deadline, question_deadline=None) == []


def test_published_but_past_its_deadline_reads_as_closed():
    deadline = NOW - datetime.timedelta(minutes=1)
    assert badges(submission_deadline=deadline, question_deadline=None) == [
        ("status", "Deadline passed")
    ]


def test_pilot_smb_and_doffin_badges():
    far = NOW + datetime.timedelta(days=60)
    assert badges(
        submission_deadline=far,
        question_deadline=None,
        is_pilot=True,
        has_smb_lots=True,
        source="doffin",
    ) == [("pilot", "Pilot"), ("smb", "SMB-friendly lots"), ("doffin", "Doffin")]


def test_cancelled_tender_shows_its_status():
    assert badges(status="cancelled") == [("status", "Cancelled")]
