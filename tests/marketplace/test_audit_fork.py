import pytest
from django.db import IntegrityError

from marketplace.models import AuditEvent
from marketplace.services.audit import audit_record


@pytest.mark.django_db
def test_the_chain_cannot_fork():
    first = audit_record(actor=None, action="test.first")
    audit_record(actor=None, action="test.second")
    fork = AuditEvent(action="test.fork", prev_hash=first.hash, occurred_at=first.occurred_at)
    fork.hash = fork.compute_hash()

    with pytest.raises(IntegrityError):
        fork.save(force_insert=True)
