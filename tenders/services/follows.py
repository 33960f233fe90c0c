"""Following needs and tenders, and telling followers what happened.

Other services call ``followers_notify`` after an amendment, a published answer or a deadline
change; it schedules the notifications on commit.
"""

from __future__ import annotations


def followers_notify(*, event: str, tender=None, need=None, context: dict | None = None) -> None:
    """Tell everyone following ``tender`` (or ``need``) about ``event``, once each, on commit.

    ``event`` is one of "amended", "answer_published", "deadline_changed", "cancelled",
    "need_closed". Implemented by the needs-dialogue work.
    """
