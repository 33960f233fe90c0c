"""An evaluator hears of the assignment in the inbox (and by e-mail, by preference)."""

from __future__ import annotations

import pytest

from bids.services.evaluation import evaluator_assign
from marketplace.models import Notification

pytestmark = pytest.mark.django_db


def test_an_assigned_evaluator_is_told_once_with_a_link_to_the_evaluation(
    tender, evaluator, procurement_officer
):
    evaluator_assign(tender=tender, user=evaluator, by=procurement_officer)
    told = Notification.objects.filter(recipient=evaluator, kind="bids")
    assert told.count() == 1
    notice = told.get()
    assert tender.reference in notice.subject and "evaluator" in notice.subject
    assert notice.url.endswith(f"/innkjop/konkurranser/{tender.reference}/evaluering/")
