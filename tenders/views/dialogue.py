"""Questions and answers on a tender, and following tenders and needs (POST endpoints).

The public tender page includes ``tenders/dialogue/_questions.html`` and ``_follow.html``; their
forms post here. Without JavaScript a refused question is shown again on a small page of its own
with the error next to the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.policy import Action, scope_q
from tenders.forms.dialogue import AnswerForm, QuestionForm
from tenders.models import Need, Question, Tender
from tenders.selectors.dialogue import (
    can_ask,
    own_pending_questions,
    questions_for_buyer,
    supplier_organisations_of,
)
from tenders.services import follows as follow_services
from tenders.services import questions as question_services


def _public_tender(reference: str) -> Tender:
    return get_object_or_404(Tender.objects.public().own(), reference=reference)


def tender_page(tender: Tender) -> str:
    return reverse("tenders:tender_detail", kwargs={"reference": tender.reference})


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def question_ask(request, reference: str):
    tender = _public_tender(reference)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisations = supplier_organisations_of(request.user)
    if not organisations:
        messages.error(request, _("Only suppliers can ask questions."))
        return redirect(tender_page(tender))
    form = QuestionForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.question_ask(
                tender=tender,
                organisation=form.chosen_organisation(),
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your question is sent. The answer will be published to everyone, without "
                    "your name."
                ),
            )
            return redirect(tender_page(tender) + "#questions")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "tenders/dialogue/question_ask.html",
        {
            "tender": tender,
            "form": form,
            "can_ask": can_ask(tender),
            "pending": own_pending_questions(tender, request.user),
        },
        status=status,
    )


def _toggle_follow(request, *, tender=None, need=None, page: str):
    if not request.user.is_authenticated:
        return redirect_to_login(page)
    try:
        if request.POST.get("action") == "unfollow":
            follow_services.unfollow(user=request.user, tender=tender, need=need)
            messages.success(request, _("You no longer follow this."))
        else:
            follow_services.follow(user=request.user, tender=tender, need=need)
            messages.success(
                request,
                _("You follow this now. We will tell you about changes, answers and deadlines."),
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_back(request, page))


@require_POST
def tender_follow(request, reference: str):
    tender = get_object_or_404(Tender.objects.public(), reference=reference)
    return _toggle_follow(request, tender=tender, page=tender_page(tender))


@require_POST
def need_follow(request, slug: str):
    need = get_object_or_404(Need.objects.public(), slug=slug)
    page = reverse("tenders:need_detail", kwargs={"slug": need.slug})
    return _toggle_follow(request, need=need, page=page)


# --- Buyer: answering ---------------------------------------------------------------------------


def _managed_tender(request, reference: str) -> Tender:
    managed = Tender.objects.own().filter(scope_q(request.user, Action.TENDER_MANAGE))
    return get_object_or_404(managed.select_related("buyer", "unit"), reference=reference)


@login_required
def buyer_questions(request, reference: str):
    tender = _managed_tender(request, reference)
    questions = list(questions_for_buyer(tender))
    return render(
        request,
        "tenders/dialogue/buyer_questions.html",
        {
            "tender": tender,
            "pending": [q for q in questions if q.published_at is None],
            "published": [q for q in questions if q.published_at is not None],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request, reference: str, pk: int):
    tender = _managed_tender(request, reference)
    question = get_object_or_404(Question.objects.filter(tender=tender), pk=pk)
    initial = {
        "published_question": question.published_question or question.text,
        "answer": question.answer,
    }
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and question.published_at is None and form.is_valid():
        publish = "publish" in request.POST
        try:
            question_services.question_answer(
                question=question,
                answer=form.cleaned_data["answer"],
                published_question=form.cleaned_data["published_question"],
                publish=publish,
                by=request.user,
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            if publish:
                messages.success(request, _("The answer is published and followers are told."))
            else:
                messages.success(request, _("The answer is saved. It is not published yet."))
            return redirect("tenders:buyer_questions", reference=tender.reference)
    return render(
        request,
        "tenders/dialogue/question_answer.html",
        {"tender": tender, "question": question, "form": form},
        status=400 if request.method == "POST" else 200,
    )
