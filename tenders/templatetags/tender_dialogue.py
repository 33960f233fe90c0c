"""What the dialogue partials on the public tender and need pages need, from ``tender`` and the
request alone: ``{% load tender_dialogue %}{% tender_questions tender as qa %}``.
"""

from __future__ import annotations

from django import template

from tenders.forms.dialogue import QuestionForm
from tenders.lifecycle import question_deadline
from tenders.selectors.dialogue import (
    can_ask,
    is_following,
    published_questions,
    questions_seen_by,
    supplier_organisations_of,
)

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def tender_questions(context, tender) -> dict:
    """Published Q&A for everyone; for a supplier also the ask form and its own pending ones."""
    user = _user(context)
    speaking_for = supplier_organisations_of(user) if user is not None else None
    # A none() (anonymous visitors) is compiled in full before Django finds it empty.
    organisations = (
        [] if speaking_for is None or speaking_for.query.is_empty() else list(speaking_for)
    )
    asking = can_ask(tender)
    if organisations:
        published, pending = questions_seen_by(tender, organisations)
    else:
        # Nothing of their own can be pending: the plain published list is a cheaper query
        # (most readers of a tender page are not signed in), or none where the page read it
        # with the tender (tenders.selectors.public.tender_for_page).
        published = getattr(tender, "published_questions", None)
        if published is None:
            published = list(published_questions(tender))
        pending = []
    return {
        "published": published,
        "pending": pending,
        "can_ask": asking,
        "is_supplier": bool(organisations),
        "is_authenticated": bool(getattr(user, "is_authenticated", False)),
        "form": QuestionForm(organisations=organisations) if organisations and asking else None,
        "deadline": question_deadline(tender),
    }


@register.simple_tag(takes_context=True)
def following(context, tender=None, need=None) -> bool:
    user = _user(context)
    if user is None:
        return False
    return is_following(user, tender=tender, need=need)
