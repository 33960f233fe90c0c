"""The buyer's eForms pages: a notice previewed in words, its XML as a download, sending it to
Doffin, and the notices already sent.

The tender is reached through ``tender_for_buyer`` (``tender.manage``; 404 for any other
organisation or unit). The preview checks the notice against the XSD only: the Schematron rules
take a minute to compile in a fresh process, so they run when the notice is sent, and their
problems are shown in words then.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.downloads import attachment_response
from marketplace.errors import DomainError
from tenders.eforms import doffin
from tenders.eforms.content import NoticeNotPossible
from tenders.eforms.notices import KINDS, notice_xml, parse
from tenders.eforms.rulesets import EformsNotConfigured
from tenders.eforms.sending import NoticeInvalid, notice_send
from tenders.eforms.validation import validate
from tenders.eforms.xml import NS
from tenders.models import NoticeSubmission
from tenders.selectors.buyer import tender_for_buyer


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _summary(xml: bytes) -> dict:
    """What the notice says, read back from the XML itself (not from the tender)."""
    document = parse(xml)

    def first(path: str) -> str:
        found = document.xpath(path, namespaces=NS)
        return found[0].text if found else ""

    lots = []
    for lot in document.xpath("cac:ProcurementProjectLot", namespaces=NS):
        lots.append(
            {
                "id": lot.findtext("cbc:ID", namespaces=NS),
                "title": (
                    lot.xpath(
                        "cac:ProcurementProject/cbc:Name[@languageID='NOR']/text()", namespaces=NS
                    )
                    or [""]
                )[0],
                "deadline": " ".join(
                    lot.xpath(
                        "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/*/text()",
                        namespaces=NS,
                    )
                ),
            }
        )
    results = []
    for result in document.xpath("//efac:NoticeResult/efac:LotResult", namespaces=NS):
        results.append(
            {
                "lot": result.findtext("efac:TenderLot/cbc:ID", namespaces=NS),
                "outcome": result.findtext("cbc:TenderResultCode", namespaces=NS),
                "bids": result.findtext(
                    "efac:ReceivedSubmissionsStatistics[efbc:StatisticsCode='tenders']/efbc:StatisticsNumeric",
                    namespaces=NS,
                ),
            }
        )
    return {
        "title": first("cac:ProcurementProject/cbc:Name[@languageID='NOR']"),
        "buyer": first("//efac:Organization[1]/efac:Company/cac:PartyName/cbc:Name"),
        "org_number": first(
            "//efac:Organization[1]/efac:Company/cac:PartyLegalEntity/cbc:CompanyID"
        ),
        "cpv": first(
            "cac:ProcurementProject/cac:MainCommodityClassification/cbc:ItemClassificationCode"
        ),
        "value": first(
            "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
        ),
        "languages": [
            first("cbc:NoticeLanguageCode"),
            *document.xpath("cac:AdditionalNoticeLanguage/cbc:ID/text()", namespaces=NS),
        ],
        "lots": lots,
        "results": results,
    }


@login_required
@require_GET
def notice_preview(request, reference: str, kind: str):
    tender = tender_for_buyer(request.user, reference)
    kind = _kind(kind)
    context = {"tender": tender, "kind": kind, "kinds": KINDS, "can_send": doffin.is_configured()}
    try:
        notice = notice_xml(tender, kind=kind)
    except NoticeNotPossible as exc:
        context["not_possible"] = exc.message
    else:
        context.update(notice=notice, summary=_summary(notice.xml))
        try:
            context["report"] = validate(notice.xml, schematron=False)
        except EformsNotConfigured as exc:
            context["not_configured"] = exc.message
    context["submissions"] = NoticeSubmission.objects.filter(tender=tender).order_by("-created_at")
    return render(request, "tenders/buyer/notice_preview.html", context)


@login_required
@require_GET
def notice_download(request, reference: str, kind: str):
    tender = tender_for_buyer(request.user, reference)
    try:
        notice = notice_xml(tender, kind=_kind(kind))
    except NoticeNotPossible as exc:
        raise Http404(exc.message) from exc
    return attachment_response(
        notice.xml,
        filename=f"{tender.reference}-{kind}-{notice.version}.xml",
        content_type="application/xml",
    )


@login_required
@require_POST
def notice_send_view(request, reference: str, kind: str):
    tender = tender_for_buyer(request.user, reference)
    kind = _kind(kind)
    try:
        submission = notice_send(tender=tender, kind=kind, by=request.user)
    except NoticeInvalid as exc:
        messages.error(request, exc.message)
        for problem in exc.report.problems[:20]:
            messages.error(request, str(problem))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The notice %(notice)s is on its way to Doffin.")
            % {"notice": f"{submission.notice_id}-{submission.version}"},
        )
    return redirect("tenders:notice_preview", reference=tender.reference, kind=kind)
