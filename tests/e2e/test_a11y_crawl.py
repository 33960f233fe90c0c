"""The accessibility crawl: every URL pattern of the URLconf, per role, in Bokmål and English.

``ROUTES`` names, for each named URL pattern a test can reach, who may see it and how to build
its address from the fixture world (``world``: a buyer with a unit and one person of each role, a
supplier with an administrator and a member, tenders in every state including an awarded one with
a pilot, needs, bids, questions, test arenas, notifications and a CMS page of each type).
``EXCLUDED`` lists the rest, each with its reason. ``test_every_url_pattern_is_crawled_or_excluded``
fails on a pattern in neither (a new view must join the crawl).

Each page is checked with axe-core (WCAG 2.0/2.1/2.2 A and AA and best practice: no finding of any
impact, tests/e2e/conftest.py) in both languages, and for reflow at 320 CSS pixels (WCAG 1.4.10:
the document never scrolls sideways; a wide table in its own scrolling region is fine). The crawl
is split by area so that two pytest-xdist workers share it; each area builds the world once and
reuses one browser page per role. On two workers the four areas take about six minutes together
(229 pages; measured with the machine's load average at 14-16 on two cores).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.conftest import KNOWN_FINDINGS, axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS, SUPPLIER_ADMIN, SUPPLIER_MEMBER = "anonymous", "supplier_admin", "supplier_member"
OFFICER, OPENER, EVALUATOR, BUYER_ADMIN = "officer", "opener", "evaluator", "buyer_admin"


@dataclass(frozen=True)
class Route:
    area: str
    role: str
    path: Callable[[SimpleNamespace], str]  # the Bokmål path; English adds /en (or translates)
    status: int = 200
    english: Callable[[SimpleNamespace], str] | None = None  # where /en + path is not it


def _r(area, role, path, **kwargs) -> Route:
    return Route(area, role, path, **kwargs)


PUBLIC, SUPPLIER, BUYER, BIDS = "public", "supplier", "buyer", "bids"

# Named patterns: who sees them, and where. ``w`` is the world built by ``build_world``.
ROUTES: dict[str, Route] = {
    # --- Public pages, anonymous ----------------------------------------------------------------
    "api_docs": _r(PUBLIC, ANONYMOUS, lambda w: "/api/docs/", english=lambda w: "/api/docs/"),
    "account_login": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/login/"),
    "account_signup": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/signup/"),
    "account_reset_password": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/password/reset/"),
    "account_reset_password_done": _r(
        PUBLIC, ANONYMOUS, lambda w: "/accounts/password/reset/done/"
    ),
    "account_reset_password_from_key_done": _r(
        PUBLIC, ANONYMOUS, lambda w: "/accounts/password/reset/key/done/"
    ),
    "account_reset_password_from_key": _r(
        PUBLIC, ANONYMOUS, lambda w: "/accounts/password/reset/key/1-not-a-valid-key/"
    ),
    "account_confirm_email": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/confirm-email/nokkel/"),
    "account_email_verification_sent": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/confirm-email/"),
    "account_inactive": _r(PUBLIC, ANONYMOUS, lambda w: "/accounts/inactive/"),
    "marketplace:invitation_accept": _r(
        PUBLIC, ANONYMOUS, lambda w: f"/invitasjon/{w.invitation_token}/"
    ),
    "marketplace:notification_unsubscribe": _r(
        PUBLIC, ANONYMOUS, lambda w: f"/varsler/avmeld/{w.unsubscribe_token}/"
    ),
    "marketplace:supplier_detail": _r(
        PUBLIC, ANONYMOUS, lambda w: f"/leverandorer/{w.supplier.slug}/"
    ),
    "search:supplier_directory": _r(PUBLIC, ANONYMOUS, lambda w: "/leverandorer/"),
    "search:site_search": _r(PUBLIC, ANONYMOUS, lambda w: "/sok/?q=ladestasjoner"),
    "tenders:opportunity_list": _r(PUBLIC, ANONYMOUS, lambda w: "/konkurranser/"),
    "tenders:tender_detail": _r(
        PUBLIC, ANONYMOUS, lambda w: f"/konkurranser/{w.published.reference}/"
    ),
    "tenders:need_list": _r(PUBLIC, ANONYMOUS, lambda w: "/behov/"),
    "tenders:need_detail": _r(PUBLIC, ANONYMOUS, lambda w: f"/behov/{w.need.slug}/"),
    "tenders:arena_list": _r(PUBLIC, ANONYMOUS, lambda w: "/testarenaer/"),
    "tenders:arena_detail": _r(PUBLIC, ANONYMOUS, lambda w: f"/testarenaer/{w.arena.slug}/"),
    "pilots:pilot_list": _r(BUYER, OFFICER, lambda w: "/piloter/"),
    "pilots:pilot_detail": _r(BUYER, OFFICER, lambda w: f"/piloter/{w.pilot.public_id}/"),
    "wagtail_serve": _r(PUBLIC, ANONYMOUS, lambda w: "/", english=lambda w: "/en/"),
    # --- Supplier side ------------------------------------------------------------------------
    "account_email": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/accounts/email/"),
    "account_change_password": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/accounts/password/change/"),
    "account_reauthenticate": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/accounts/reauthenticate/"),
    "mfa_index": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/accounts/2fa/"),
    "mfa_activate_totp": _r(SUPPLIER, SUPPLIER_MEMBER, lambda w: "/accounts/2fa/totp/activate/"),
    "usersessions_list": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/accounts/sessions/"),
    "marketplace:dashboard": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/min-side/"),
    "marketplace:organisation_list": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/organisasjoner/"),
    "marketplace:organisation_register": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: "/organisasjoner/ny/"
    ),
    "marketplace:organisation_detail": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/"
    ),
    "marketplace:organisation_edit": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/rediger/"
    ),
    "marketplace:organisation_members": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/medlemmer/"
    ),
    "marketplace:member_update": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/medlemmer/{w.member_membership.pk}/endre/",
    ),
    "marketplace:member_remove": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/medlemmer/{w.member_membership.pk}/fjern/",
    ),
    "marketplace:invitation_create": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/invitasjoner/"
    ),
    "marketplace:access_request_invite": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: (
            f"/organisasjoner/{w.supplier.slug}/tilgangsforesporsler/{w.access_request.pk}/inviter/"
        ),
    ),
    "marketplace:notification_inbox": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/varsler/"),
    "marketplace:notification_detail": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/varsler/{w.notification.pk}/"
    ),
    "marketplace:notification_preferences": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: "/varsler/innstillinger/"
    ),
    "marketplace:profile_edit": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/profil/"
    ),
    "marketplace:reference_create": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/profil/referanser/ny/",
    ),
    "marketplace:reference_update": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/profil/referanser/{w.reference.pk}/endre/",
    ),
    "marketplace:reference_delete": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/profil/referanser/{w.reference.pk}/slett/",
    ),
    "marketplace:profile_contact": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/organisasjoner/{w.supplier.slug}/profil/kontakt/"
    ),
    "marketplace:profile_contact_erase": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/organisasjoner/{w.supplier.slug}/profil/kontakt/slett/",
    ),
    "marketplace:personal_data": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: "/min-side/personopplysninger/"
    ),
    "marketplace:personal_data_erase": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/min-side/personopplysninger/{w.contact.pk}/slett/",
    ),
    "marketplace:api_token_list": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/min-side/api-nokler/"),
    "marketplace:api_token_create": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: "/min-side/api-nokler/ny/"
    ),
    "matching:opportunities": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/muligheter/"),
    "matching:saved_searches": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/muligheter/sok/"),
    "matching:alerts": _r(SUPPLIER, SUPPLIER_ADMIN, lambda w: "/muligheter/varsler/"),
    "matching:lot_partners": _r(
        SUPPLIER,
        SUPPLIER_ADMIN,
        lambda w: f"/muligheter/delkontrakter/{w.published_lot.pk}/partnere/",
    ),
    "tenders:question_ask": _r(
        SUPPLIER, SUPPLIER_ADMIN, lambda w: f"/konkurranser/{w.published.reference}/sporsmal/"
    ),
    # --- Supplier's bids ------------------------------------------------------------------------
    "bids:supplier_bids": _r(BIDS, SUPPLIER_ADMIN, lambda w: "/tilbud/"),
    "bids:supplier_bid_start": _r(
        BIDS, SUPPLIER_MEMBER, lambda w: f"/konkurranser/{w.open_for_bids.reference}/tilbud/ny/"
    ),
    "bids:supplier_bid_detail": _r(BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/"),
    "bids:supplier_bid_edit": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/rediger/"
    ),
    "bids:supplier_documents": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/dokumenter/"
    ),
    "bids:supplier_consortium": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/konsortium/"
    ),
    "bids:supplier_espd": _r(BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/espd/"),
    "bids:supplier_espd_answer": _r(
        BIDS,
        SUPPLIER_ADMIN,
        lambda w: f"/tilbud/{w.draft.public_id}/espd/{w.supplier.pk}/",
    ),
    "bids:supplier_submit": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.draft.public_id}/send-inn/"
    ),
    "bids:supplier_receipt": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.own_submitted.public_id}/kvittering/"
    ),
    "bids:supplier_award_letters": _r(
        BIDS, SUPPLIER_ADMIN, lambda w: f"/tilbud/{w.winning_bid.public_id}/tildeling/"
    ),
    # --- Buyer side -------------------------------------------------------------------------------
    "tenders:buyer_workspace": _r(BUYER, OFFICER, lambda w: "/innkjop/"),
    "tenders:buyer_tender_create": _r(BUYER, OFFICER, lambda w: "/innkjop/konkurranser/ny/"),
    "tenders:buyer_tender_detail": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.published.reference}/"
    ),
    "tenders:buyer_tender_edit": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.draft_tender.reference}/rediger/"
    ),
    "tenders:tender_extend_deadline": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.published.reference}/forleng-frist/"
    ),
    "tenders:tender_cancel": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.published.reference}/avlys/"
    ),
    "tenders:notice_preview": _r(
        BUYER,
        OFFICER,
        lambda w: f"/innkjop/konkurranser/{w.published.reference}/kunngjoring/contract/",
    ),
    "tenders:buyer_questions": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.published.reference}/sporsmal/"
    ),
    "tenders:question_answer": _r(
        BUYER,
        OFFICER,
        lambda w: f"/innkjop/konkurranser/{w.published.reference}/sporsmal/{w.open_question.pk}/",
    ),
    "tenders:buyer_need_list": _r(BUYER, OFFICER, lambda w: "/innkjop/behov/"),
    "tenders:buyer_need_create": _r(BUYER, OFFICER, lambda w: "/innkjop/behov/ny/"),
    "tenders:buyer_need_detail": _r(BUYER, OFFICER, lambda w: f"/innkjop/behov/{w.need.slug}/"),
    "tenders:buyer_need_edit": _r(BUYER, OFFICER, lambda w: f"/innkjop/behov/{w.need.slug}/endre/"),
    "tenders:buyer_need_export_html": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/behov/{w.need.slug}/dialog/"
    ),
    "tenders:buyer_arena_list": _r(BUYER, OFFICER, lambda w: "/innkjop/testarenaer/"),
    "tenders:buyer_arena_create": _r(BUYER, OFFICER, lambda w: "/innkjop/testarenaer/ny/"),
    "tenders:buyer_arena_edit": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/testarenaer/{w.arena.slug}/endre/"
    ),
    "matching:tender_suppliers": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.published.reference}/leverandorer/"
    ),
    "matching:lot_suppliers": _r(
        BUYER,
        OFFICER,
        lambda w: (
            f"/innkjop/konkurranser/{w.published.reference}/delkontrakter/"
            f"{w.published_lot.pk}/leverandorer/"
        ),
    ),
    "matching:tender_lot_design": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.draft_tender.reference}/inndeling/"
    ),
    "matching:need_suppliers": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/behov/{w.need.slug}/leverandorer/"
    ),
    "bids:espd_request": _r(
        BUYER, OFFICER, lambda w: f"/innkjop/konkurranser/{w.draft_tender.reference}/espd/"
    ),
    "marketplace:organisation_members_buyer": _r(
        BUYER, BUYER_ADMIN, lambda w: f"/organisasjoner/{w.buyer.slug}/medlemmer/"
    ),
    "pilots:pilot_create": _r(BUYER, OFFICER, lambda w: f"/piloter/ny/{w.free_award.pk}/"),
    # --- Opening, evaluation, award -------------------------------------------------------------
    "bids:my_evaluations": _r(BIDS, EVALUATOR, lambda w: "/innkjop/evalueringer/"),
    "bids:buyer_bids": _r(
        BIDS, OPENER, lambda w: f"/innkjop/konkurranser/{w.evaluated.reference}/tilbud/"
    ),
    "bids:bids_protocol": _r(
        BIDS, OFFICER, lambda w: f"/innkjop/konkurranser/{w.evaluated.reference}/tilbud/protokoll/"
    ),
    "bids:bids_evaluation": _r(
        BIDS, OFFICER, lambda w: f"/innkjop/konkurranser/{w.evaluated.reference}/evaluering/"
    ),
    "bids:bids_report": _r(
        BIDS,
        OFFICER,
        lambda w: f"/innkjop/konkurranser/{w.evaluated.reference}/evaluering/rapport/",
    ),
    "bids:bids_bid_detail": _r(
        BIDS,
        OFFICER,
        lambda w: (
            f"/innkjop/konkurranser/{w.evaluated.reference}/evaluering/tilbud/"
            f"{w.evaluated_bid.public_id}/"
        ),
    ),
    "bids:bids_score_sheet": _r(
        BIDS,
        EVALUATOR,
        lambda w: (
            f"/innkjop/konkurranser/{w.evaluated.reference}/evaluering/tilbud/"
            f"{w.evaluated_bid.public_id}/poeng/"
        ),
    ),
    "bids:bids_consensus": _r(
        BIDS,
        OFFICER,
        lambda w: (
            f"/innkjop/konkurranser/{w.evaluated.reference}/evaluering/tilbud/"
            f"{w.evaluated_bid.public_id}/konsensus/"
        ),
    ),
    "bids:bids_award": _r(
        BIDS, OFFICER, lambda w: f"/innkjop/konkurranser/{w.evaluated.reference}/tildeling/"
    ),
    "bids:bids_award_withdraw": _r(
        BIDS,
        OFFICER,
        lambda w: (
            f"/innkjop/konkurranser/{w.awarded.reference}/tildeling/vedtak/{w.award.pk}/trekk/"
        ),
    ),
}
# The buyer's member page is the same pattern as the supplier's: visited twice, counted once.
_SECOND_VISITS = {"marketplace:organisation_members_buyer"}

# Patterns no page test can visit, each with its reason. Prefixes end with "/".
EXCLUDED_PREFIXES = {
    # The staff back offices (Wagtail's and Django's own admin UIs, ~450 patterns) have their own
    # crawl of the screens staff use (tests/e2e/test_a11y_back_office.py).
    "cms-admin/": "Wagtail admin: crawled by test_a11y_back_office.py",
    "django-admin/": "Django admin: crawled by test_a11y_back_office.py",
    "api/": "JSON API (no HTML); its documentation page api_docs is crawled",
}
EXCLUDED: dict[str, str] = {
    # Machine-readable answers: no HTML to check.
    "healthz": "health check (JSON)",
    "readyz": "readiness check (JSON)",
    "javascript-catalog": "JavaScript translation catalogue",
    "cms_sitemap": "sitemap.xml",
    "robots_txt": "robots.txt",
    "tenders_data:ocds_releases": "OCDS JSON",
    "tenders_data:ocds_records": "OCDS JSON",
    "tenders_data:ocds_record": "OCDS JSON",
    "tenders_data:ocds_bulk": "OCDS bulk index (JSON)",
    "tenders_data:ocds_bulk_releases": "OCDS JSON",
    "tenders_data:ocds_bulk_records": "OCDS JSON",
    "tenders_data:tender_feed": "Atom feed",
    "cms:feed_atom": "Atom feed",
    "cms:feed_rss": "RSS feed",
    # File downloads.
    "wagtaildocs_serve": "document download",
    "cms_page_download": "CSV/JSON/ICS download of a CMS page",
    "mfa_download_recovery_codes": "text file download",
    "tenders:buyer_need_export_csv": "CSV download",
    "tenders:document_download": "tender document download",
    "tenders:notice_download": "eForms XML download",
    "bids:supplier_document_download": "bid document download",
    "bids:supplier_espd_download": "ESPD XML download",
    "bids:supplier_receipt_download": "receipt as text file",
    "bids:espd_request_download": "ESPD XML download",
    "bids:bids_protocol_download": "protocol as PDF/CSV download",
    "bids:bids_bid_document": "bid document download",
    "bids:bids_espd_download": "ESPD XML download",
    "marketplace:personal_data_export": "POST-only: personal data as a file",
    # POST-only endpoints (each answers a form on a crawled page, then redirects).
    "set_language": "POST-only (language switch)",
    "cms_switch_language": "redirect to the page in the other language",
    "account_logout": "POST signs out; GET asks to confirm (a redirect when signed out)",
    "marketplace:invitation_revoke": "POST-only",
    "marketplace:access_request_dismiss": "POST-only",
    "marketplace:notification_mark_all_read": "POST-only",
    "marketplace:profile_brreg_lookup": "POST-only",
    "marketplace:profile_publish": "POST-only",
    "marketplace:profile_unpublish": "POST-only",
    "marketplace:api_token_revoke": "POST-only",
    "marketplace:session_extend": "POST-only (session timeout dialog)",
    "matching:tender_invite": "POST-only",
    "matching:need_invite": "POST-only",
    "matching:saved_search_delete": "POST-only",
    "matching:tender_lot_design_justify": "POST-only",
    "tenders:need_respond": "POST-only",
    "tenders:need_follow": "POST-only",
    "tenders:tender_follow": "POST-only",
    "tenders:buyer_need_invite": "POST-only",
    "tenders:buyer_need_transition": "POST-only",
    "tenders:tender_publish": "POST-only",
    "tenders:tender_start_evaluation": "POST-only",
    "tenders:tender_document_upload": "POST-only",
    "tenders:tender_document_remove": "POST-only",
    "tenders:notice_send": "POST-only",
    "bids:supplier_document_remove": "POST-only",
    "bids:supplier_consortium_respond": "POST-only",
    "bids:supplier_consortium_remove": "POST-only",
    "bids:supplier_espd_import": "POST-only",
    "bids:supplier_withdraw": "POST-only",
    "bids:supplier_new_version": "POST-only",
    "bids:bids_open": "POST-only",
    "bids:bids_evaluator_assign": "POST-only",
    "bids:bids_evaluator_remove": "POST-only",
    "bids:bids_espd_import": "POST-only",
    "bids:bids_qualification": "POST-only",
    "bids:bids_award_decide": "POST-only",
    "bids:bids_contract": "POST-only",
    "pilots:pilot_plan": "POST-only",
    "pilots:pilot_start": "POST-only",
    "pilots:pilot_end": "POST-only",
    "pilots:pilot_decide": "POST-only",
    "pilots:note_add": "POST-only",
    "pilots:milestone_add": "POST-only",
    "pilots:milestone_done": "POST-only",
    "pilots:kpi_add": "POST-only",
    "pilots:kpi_measure": "POST-only",
    # Redirects and steps that need a state a page test cannot make without the flow before it.
    "account_request_reauthentication_code": "login-by-code is off (redirects)",
    "account_confirm_reauthentication_code": "login-by-code is off (redirects)",
    "account_confirm_login_code": "login-by-code is off (redirects)",
    "account_set_password": "redirects to password change for users who have one",
    "wagtaildocs_authenticate_with_password": "no password-protected documents are used",
    "wagtailcore_authenticate_with_password": "no password-protected pages are used",
    "wagtailcore_login": "Wagtail's page-privacy login, unused (site login is allauth's)",
}

# Steps a page test reaches only through the flow before them, crawled by their own modules.
CRAWLED_BY_FLOWS: dict[str, str] = {
    "mfa_authenticate": "test_a11y_crawl_mfa.py: the code page of a half-finished login",
    "mfa_reauthenticate": "test_a11y_crawl_mfa.py: after signing in with a code",
    "mfa_deactivate_totp": "test_a11y_crawl_mfa.py: needs a recent authentication",
    "mfa_view_recovery_codes": "test_a11y_crawl_mfa.py: needs a recent authentication",
    "mfa_generate_recovery_codes": "test_a11y_crawl_mfa.py: needs a recent authentication",
}

# CMS pages: one of each type, in both languages (the Wagtail catch-all "wagtail_serve").
CMS_PAGES = [
    "home",
    "story_index",
    "story",
    "guide",
    "news_index",
    "news",
    "faq",
    "statement",
    "event_index",
    "event",
    "indicators",
]


# --- URL patterns -----------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str]]:
    """(name, route) of every pattern of the URLconf; unnamed ones are named by their route."""

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else route
                yield name, route

    return list(walk(get_resolver().url_patterns, "", ""))


def test_every_url_pattern_is_crawled_or_excluded():
    patterns = url_patterns()
    crawled = (set(ROUTES) - _SECOND_VISITS) | set(CRAWLED_BY_FLOWS)
    missing = [
        f"{name}  ({route})"
        for name, route in patterns
        if name not in crawled
        and name not in EXCLUDED
        and not route.startswith(tuple(EXCLUDED_PREFIXES))
    ]
    assert not missing, "URL patterns neither crawled nor excluded (add them):\n" + "\n".join(
        missing
    )
    names = {name for name, _route in patterns}
    stale = sorted((crawled | set(EXCLUDED)) - names)
    assert not stale, f"crawl entries for patterns that no longer exist: {stale}"


# --- The world --------------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    from django.utils import timezone

    from bids.espd.services import espd_request_set
    from bids.models import AwardDecision
    from bids.services import evaluation, opening
    from marketplace.models import AccessRequest, Membership, Role
    from tenders.models import Tender
    from tests.cms.test_accessibility_statement import make_seeded_statement
    from tests.conftest import with_totp
    from tests.factories import (
        BuyerFactory,
        ListedSupplierProfileFactory,
        MembershipFactory,
        OrganisationUnitFactory,
        SupplierFactory,
        UserFactory,
        cpv_code,
        municipality,
    )
    from tests.factories import bids as supplier_bids
    from tests.factories.bid_evaluation import buyer_user, submitted_bid
    from tests.factories.cms_pages import (
        make_faq,
        make_guide,
        make_news,
        make_story,
    )
    from tests.factories.espd import default_espd_criteria
    from tests.factories.events import make_event, make_indicators_page, translate
    from tests.factories.invitations import InvitationFactory
    from tests.factories.notifications import NotificationFactory
    from tests.factories.pages import make_home_page
    from tests.factories.pilots import KpiFactory, MilestoneFactory, PilotFactory, make_award
    from tests.factories.profiles import ContactPersonFactory, SupplierReferenceFactory
    from tests.factories.tenders import (
        LotFactory,
        NeedFactory,
        QualificationRequirementFactory,
        QuestionFactory,
        TenderDocumentFactory,
        TenderFactory,
        TestArenaFactory,
    )

    w = SimpleNamespace()
    cpv = cpv_code("72000000", "IT services", "Datatjenester")
    asker = municipality("3203", "Asker")
    w.buyer = BuyerFactory(name="Akershus fylkeskommune")
    w.unit = OrganisationUnitFactory(organisation=w.buyer, name="Samferdsel", name_en="Transport")
    w.supplier = SupplierFactory(name="Fjordlys Teknologi AS")
    w.users = {ANONYMOUS: None}
    w.users[SUPPLIER_ADMIN] = UserFactory(email="admin@fjordlys.test")
    MembershipFactory(
        user=w.users[SUPPLIER_ADMIN], organisation=w.supplier, role=Role.SUPPLIER_ADMIN
    )
    w.users[SUPPLIER_MEMBER] = UserFactory(email="medlem@fjordlys.test")
    w.member_membership = MembershipFactory(
        user=w.users[SUPPLIER_MEMBER], organisation=w.supplier, role=Role.SUPPLIER_MEMBER
    )
    officer = with_totp(UserFactory(email="innkjoper@afk.test"))
    MembershipFactory(
        user=officer, organisation=w.buyer, role=Role.PROCUREMENT_OFFICER, unit=w.unit
    )
    w.users[OFFICER] = officer
    w.users[OPENER] = buyer_user(w.buyer, Role.BID_OPENER, unit=w.unit)
    w.users[EVALUATOR] = buyer_user(w.buyer, Role.EVALUATOR, unit=w.unit)
    w.users[BUYER_ADMIN] = buyer_user(w.buyer, Role.BUYER_ADMIN)
    assert Membership.objects.filter(organisation=w.buyer).count() == 4

    # Directory, profile, contact, references
    profile = ListedSupplierProfileFactory(organisation=w.supplier, cpv_codes=[cpv])
    w.reference = SupplierReferenceFactory(profile=profile)
    w.contact = ContactPersonFactory(
        profile=profile, email="admin@fjordlys.test", user=w.users[SUPPLIER_ADMIN]
    )
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Nordlys Data AS"))
    w.invitation_token = "invitasjonsnokkel-for-crawlen-0123456789abcdef"
    InvitationFactory(organisation=w.supplier, token=w.invitation_token)
    w.access_request = AccessRequest.objects.create(
        organisation=w.supplier, user=UserFactory(email="soker@example.test")
    )
    w.notification = NotificationFactory(
        recipient=w.users[SUPPLIER_ADMIN], subject="Ny konkurranse", body="En ny konkurranse."
    )
    from marketplace.services.notifications import unsubscribe_token

    w.unsubscribe_token = unsubscribe_token(user=w.users[SUPPLIER_ADMIN], kinds=["system"])

    # Tenders in each state
    w.draft_tender = TenderFactory(buyer=w.buyer, unit=w.unit, main_cpv=cpv, lots=2)
    w.published = TenderFactory(
        buyer=w.buyer,
        unit=w.unit,
        published=True,
        title="Drift av ladestasjoner",
        main_cpv=cpv,
        municipalities=[asker],
        criteria=[70, 30],
    )
    w.published_lot = LotFactory(tender=w.published, number=1, title="Nord", suitable_for_smb=True)
    LotFactory(tender=w.published, number=2, title="Sør")
    TenderDocumentFactory(tender=w.published)
    QuestionFactory(tender=w.published, answered=True)
    w.open_question = QuestionFactory(tender=w.published)
    # Open for bids, with an ESPD request (set while a draft, as the buyer does)
    w.open_for_bids = TenderFactory(buyer=w.buyer, unit=w.unit, threshold_band="eea")
    espd_request_set(tender=w.open_for_bids, criteria=default_espd_criteria(), by=officer)
    Tender.objects.filter(pk=w.open_for_bids.pk).update(
        status=Tender.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=1)
    )
    w.open_for_bids.refresh_from_db()
    LotFactory(tender=w.open_for_bids, number=1)
    QualificationRequirementFactory(tender=w.open_for_bids)
    w.draft = supplier_bids.draft_bid(
        tender=w.open_for_bids, supplier=w.supplier, by=w.users[SUPPLIER_ADMIN]
    )
    other_open = supplier_bids.tender_ready_for_bids(buyer=w.buyer, unit=w.unit)
    w.own_submitted = supplier_bids.submitted_bid(
        tender=other_open, supplier=w.supplier, by=w.users[SUPPLIER_ADMIN]
    )
    TenderFactory(buyer=w.buyer, unit=w.unit, cancelled=True)
    TenderFactory(external=True)

    # Evaluated tender: bids opened, scored, consensus set
    w.evaluated = TenderFactory(
        buyer=w.buyer, unit=w.unit, closed=True, lots=2, criteria=[60, 40], title="Skoleskyss"
    )
    lots = list(w.evaluated.lots.order_by("number"))
    bid_a = submitted_bid(
        w.evaluated,
        w.supplier,
        prices={lots[0]: Decimal("900000"), lots[1]: Decimal("450000")},
        documents=[("tilbud.pdf", b"%PDF-1.4 tilbud")],
    )
    w.evaluated_bid = submitted_bid(
        w.evaluated, SupplierFactory(name="Vei og Sensor AS"), prices={lots[0]: Decimal("800000")}
    )
    opening.opening_start(tender=w.evaluated, by=w.users[OPENER])
    evaluation.evaluator_assign(tender=w.evaluated, user=w.users[EVALUATOR], by=officer)
    for bid in (bid_a, w.evaluated_bid):
        evaluation.qualification_assess(bid=bid, by=officer, result="qualified")
        for criterion in w.evaluated.criteria.order_by("order"):
            evaluation.consensus_set(
                bid=bid,
                lot=lots[0],
                criterion=criterion,
                by=officer,
                points="7.5",
                rationale="Samlet vurdering.",
            )

    # Awarded tender with a pilot (the supplier won), and one award still without a pilot
    w.awarded = TenderFactory(
        buyer=w.buyer, unit=w.unit, in_evaluation=True, is_pilot=True, title="Smart brøyting"
    )
    w.award = make_award(tender=w.awarded, supplier=w.supplier, decided_by=officer)
    w.winning_bid = w.award.bid
    w.pilot = PilotFactory(award=w.award, title="Pilot: smart brøyting")
    MilestoneFactory(pilot=w.pilot)
    KpiFactory(pilot=w.pilot)
    free = TenderFactory(buyer=w.buyer, unit=w.unit, in_evaluation=True, is_pilot=True)
    w.free_award = make_award(tender=free, supplier=w.supplier, decided_by=officer)
    assert w.award.status == AwardDecision.Status.ACTIVE

    # Needs and test arenas
    w.need = NeedFactory(
        buyer=w.buyer,
        unit=w.unit,
        open=True,
        pilot=True,
        title="Smartere skoleskyss",
        cpv_codes=[cpv],
        municipalities=[asker],
    )
    w.arena = TestArenaFactory(owner=w.buyer, unit=w.unit)

    # CMS pages, one of each type, both languages
    home = make_home_page()
    story = make_story(supplier=w.supplier, tender=w.awarded, pilot=w.pilot)
    guide = make_guide()
    news = make_news()
    faq = make_faq()
    statement = make_seeded_statement()
    event = make_event()
    event.save_revision().publish()
    indicators = make_indicators_page()
    indicators.save_revision().publish()
    w.cms = {}
    for key, page in {
        "home": home,
        "story_index": story.get_parent(),
        "story": story,
        "guide": guide,
        "news_index": news.get_parent(),
        "news": news,
        "faq": faq,
        "statement": statement,
        "event_index": event.get_parent(),
        "event": event,
        "indicators": indicators,
    }.items():
        page = page.specific
        english = translate(page, title=f"{page.title} (EN)") if key != "home" else None
        en_url = (english or page.get_translation(_en_locale())).url
        w.cms[key] = (page.url, en_url)
    return w


def _en_locale():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


# --- The crawl --------------------------------------------------------------------------------

REFLOW_WIDTH = 320
DOCUMENT_WIDTH = "() => document.documentElement.scrollWidth"


def _visits(area: str, world) -> list[tuple[str, str, str, int]]:
    """(label, role, url, status) for the area, both languages."""
    visits = []
    for name, route in ROUTES.items():
        if route.area != area:
            continue
        nb = route.path(world)
        en = route.english(world) if route.english else "/en" + nb
        for url in dict.fromkeys([nb, en]):
            visits.append((name, route.role, url, route.status))
    if area == PUBLIC:
        for key in CMS_PAGES:
            for url in world.cms[key]:
                visits.append((f"cms:{key}", ANONYMOUS, url, 200))
        visits.append(("404", ANONYMOUS, "/finnes-ikke/", 404))
        visits.append(("404", ANONYMOUS, "/en/finnes-ikke/", 404))
    return visits


def _check(page, axe, url: str) -> list[str]:
    from tests.e2e.conftest import FINITE_ANIMATIONS_DONE

    problems = []
    page.wait_for_function(FINITE_ANIMATIONS_DONE, timeout=5_000)
    violations = axe_violations(axe, page)
    if violations:
        problems.append(f"{url}: axe\n" + format_violations(violations))
    # Reflow: the same page at 320 CSS pixels never scrolls sideways.
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    width = page.evaluate(DOCUMENT_WIDTH)
    if width > REFLOW_WIDTH:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > limit + 1
                    && getComputedStyle(e).position !== 'fixed')
                .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.className ? '.' +
                    String(e.className).split(' ').join('.') : ''))""",
            REFLOW_WIDTH,
        )
        problems.append(f"{url}: {width} px wide at {REFLOW_WIDTH} px (WCAG 1.4.10): {wide}")
    page.set_viewport_size({"width": 1280, "height": 800})
    return problems


@pytest.mark.parametrize("area", [PUBLIC, SUPPLIER, BIDS, BUYER])
def test_crawl_has_no_axe_findings_and_reflows(area, browser, live_server, axe):
    from django.conf import settings as django_settings
    from django.test import Client

    world = build_world()
    contexts = {}

    def page_for(role):
        if role not in contexts:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 1280, "height": 800}
            )
            context.set_default_timeout(15_000)
            user = world.users[role]
            if user is not None:
                client = Client()
                client.force_login(user)
                context.add_cookies(
                    [
                        {
                            "name": django_settings.SESSION_COOKIE_NAME,
                            "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                            "url": live_server.url,
                        }
                    ]
                )
            contexts[role] = context.new_page()
        return contexts[role]

    problems, count = [], 0
    try:
        for name, role, url, status in _visits(area, world):
            page = page_for(role)
            response = page.goto(url)
            if response is None or response.status != status:
                got = response.status if response else None
                problems.append(f"{url} ({name}, {role}): status {got}, expected {status}")
                continue
            if status == 200 and re.search(r"/accounts/login/", page.url) and "login" not in name:
                problems.append(f"{url} ({name}, {role}): sent to the login page")
                continue
            count += 1
            problems.extend(_check(page, axe, url))
    finally:
        for page in contexts.values():
            page.context.close()
    print(f"\naccessibility crawl, area {area}: {count} pages checked (axe + reflow at 320 px)")
    assert not problems, f"{len(problems)} problem(s) in area {area}:\n" + "\n".join(problems)


def test_known_findings_are_current():
    """Each known finding names a WCAG criterion, an owner and a reason (the statement lists it)."""
    for finding in KNOWN_FINDINGS:
        assert re.fullmatch(r"\d\.\d\.\d+", finding.criterion), finding
        assert finding.reason and finding.owner, finding
