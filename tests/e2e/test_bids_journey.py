"""The bid lifecycle in a browser, in Bokmål: a startup prepares a joint bid with a partner firm,
the partner confirms from its own account, the startup submits and reads its receipt; the
deadline passes; an opener opens the bids; evaluators score; the officer agrees the scores and
awards the lot to a competitor; and the startup reads its own scores and the winner's.

The visible texts of our own pages are looked up through the Bokmål catalogue (``_nb``), so the
test follows the translations as they are merged; names, prices, points and hashes are literal.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from bids.models import Bid
from bids.services import evaluation as evaluation_services
from marketplace.models import Role
from tenders.models import Tender
from tenders.services.closing import tenders_close_due
from tests.factories import SupplierFactory, TenderFactory
from tests.factories.bid_evaluation import buyer_user
from tests.factories.bids import complete_content, submitted_bid, supplier_member
from tests.factories.tenders import MINIMAL_PDF, CriterionFactory, QualificationRequirementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCUMENT = MINIMAL_PDF.replace(b"%%EOF", b"% Fjordlys tilbudsbrev\n%%EOF")
DOCUMENT_SHA256 = hashlib.sha256(DOCUMENT).hexdigest()

# Agreed points (0–10) for Kvalitet (60 %) and Pris (40 %): the competitor wins.
STARTUP_POINTS = ("7", "6")  # 7/10×60 + 6/10×40 = 42 + 24 = 66
COMPETITOR_POINTS = ("8", "9")  # 48 + 36 = 84


def _nb(message: str, **values) -> str:
    """``message`` as the Bokmål pages show it (the catalogue's text, or the English msgid)."""
    with translation.override("nb"):
        text = translation.gettext(message)
    return text % values if values else text


def _text(page, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def _click(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def setting(buyer, buyer_unit, procurement_officer):
    """The county's people, a published pilot tender closing tomorrow, three firms, and the
    competitor's bid already submitted."""
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        is_pilot=True,
        lots=1,
        criteria=False,
        title="Smart skoleskyss i Lillestrøm",
        question_deadline=timezone.now() + datetime.timedelta(hours=12),
        submission_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    quality = CriterionFactory(tender=tender, order=0, name="Kvalitet", weight=60)
    price = CriterionFactory(tender=tender, order=1, name="Pris", weight=40)
    requirement = QualificationRequirementFactory(
        tender=tender, text="Leverandøren skal ha relevant erfaring."
    )
    startup = SupplierFactory(name="Fjordlys Teknologi AS")
    partner = SupplierFactory(name="Vei og Sensor AS")
    competitor = SupplierFactory(name="Nordlys Data AS")
    competitor_bid = submitted_bid(
        tender=tender,
        supplier=competitor,
        content=complete_content(tender, price=Decimal("850000"), text="Vi har gjort dette før."),
    )
    return {
        "tender": tender,
        "lot": tender.lots.get(),
        "quality": quality,
        "price": price,
        "requirement": requirement,
        "startup": startup,
        "startup_admin": supplier_member(startup, email="post@fjordlys.test"),
        "partner": partner,
        "partner_admin": supplier_member(partner, email="post@veiogsensor.test"),
        "competitor_bid": competitor_bid,
        "officer": procurement_officer,
        "opener": buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test"),
        "evaluator1": buyer_user(
            buyer, Role.EVALUATOR, unit=buyer_unit, email="evaluator1@afk.test"
        ),
        "evaluator2": buyer_user(buyer, Role.EVALUATOR, email="evaluator2@afk.test"),
    }


def test_startup_joint_bid_is_opened_scored_awarded_to_a_competitor_and_gets_feedback(
    new_page, setting
):
    s = setting
    tender, lot, quality, price = s["tender"], s["lot"], s["quality"], s["price"]
    reference = tender.reference
    key = f"{lot.pk}_{{}}"  # score fields are points_<lot>_<criterion>

    # --- 2. The startup prepares a joint bid ------------------------------------------------
    startup = new_page(user=s["startup_admin"])
    startup.goto(f"/konkurranser/{reference}/")
    assert startup.locator("html").get_attribute("lang").startswith("nb")
    startup.get_by_role("link", name=_nb("Create or continue your bid")).click()
    startup.wait_for_url(f"**/konkurranser/{reference}/tilbud/ny/")
    assert "Fjordlys Teknologi AS" in _text(startup)
    _click(startup, _nb("Create bid"))
    startup.wait_for_url(re.compile(r"/tilbud/[0-9a-f-]{36}/rediger/$"))
    public_id = startup.url.rstrip("/").split("/")[-2]
    bid_url = f"/tilbud/{public_id}/"
    assert _nb("Your draft bid is ready. Nothing is sent until you submit it.") in _text(startup)

    startup.check(f"#id_lot_{lot.pk}")
    startup.fill(f"#id_price_{lot.pk}", "990000")
    startup.fill(f"#id_requirement_{s['requirement'].pk}", "Vi har drevet skyss-apper i tre år.")
    startup.fill(f"#id_criterion_{quality.pk}", "Sanntidsdata fra alle bussene.")
    startup.fill(f"#id_criterion_{price.pk}", "Fast pris per skole.")
    startup.fill("#id_message", "Vi gleder oss til piloten.")
    _click(startup, _nb("Save the draft"))
    startup.wait_for_url(f"**{bid_url}")
    page_text = _text(startup)
    assert _nb("The draft is saved.") in page_text
    assert "Sanntidsdata fra alle bussene." in page_text
    assert "990000" in page_text.replace(" ", "").replace("\u00a0", "")

    # ... uploads its offer letter ...
    startup.locator("nav.bid-nav").get_by_role("link", name=_nb("Documents")).click()
    startup.wait_for_url(f"**{bid_url}dokumenter/")
    startup.set_input_files(
        "#id_file",
        files=[{"name": "tilbudsbrev.pdf", "mimeType": "application/pdf", "buffer": DOCUMENT}],
    )
    startup.fill("#id_title", "Tilbudsbrev")
    _click(startup, _nb("Upload"))
    page_text = _text(startup)
    assert _nb("The document is uploaded and encrypted.") in page_text
    assert "Tilbudsbrev (tilbudsbrev.pdf)" in page_text
    assert DOCUMENT_SHA256 in page_text

    # ... and invites the partner firm by organisation number.
    startup.locator("nav.bid-nav").get_by_role("link", name=_nb("Joint bid")).click()
    startup.wait_for_url(f"**{bid_url}konsortium/")
    startup.fill("#id_org_number", s["partner"].org_number)
    _click(startup, _nb("Invite"))
    page_text = _text(startup)
    assert _nb("The organisation is invited.") in page_text
    assert f"Vei og Sensor AS ({s['partner'].org_number})" in page_text

    # The startup cannot submit before the partner has confirmed.
    startup.goto(bid_url)
    assert _nb("Before you can submit") in _text(startup)

    # --- The partner confirms from its own account -------------------------------------------
    partner = new_page(user=s["partner_admin"])
    partner.goto("/tilbud/")
    partner.get_by_role(
        "link",
        name=_nb("%(lead)s on %(reference)s", lead="Fjordlys Teknologi AS", reference=reference),
    ).click()
    partner.wait_for_url(f"**{bid_url}")
    assert _nb("Your organisation is invited into this joint bid") in _text(partner)
    _click(partner, _nb("Confirm taking part"))
    assert _nb("You have confirmed taking part in the joint bid.") in _text(partner)

    # --- The startup submits and reads its receipt -------------------------------------------
    startup.goto(bid_url)
    startup.get_by_role("link", name=_nb("Review and submit")).click()
    startup.wait_for_url(f"**{bid_url}send-inn/")
    assert _nb("Before you can submit") not in _text(startup)
    _click(startup, _nb("Submit the bid"))
    startup.wait_for_url(f"**{bid_url}kvittering/")
    bid = Bid.objects.get(public_id=public_id)
    assert bid.status == Bid.Status.SUBMITTED
    receipt = _text(startup)
    assert _nb("Receipt %(code)s", code=bid.receipt_code) in receipt
    assert DOCUMENT_SHA256 in receipt
    assert "tilbudsbrev.pdf" in receipt
    assert "Vei og Sensor AS" in receipt
    assert bid.content_sha256 in receipt

    # --- 3. The deadline passes (the clock at the edge) --------------------------------------
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        question_deadline=now - datetime.timedelta(minutes=1), submission_deadline=now
    )
    assert tenders_close_due() == [reference]

    # --- 4. The opener opens the bids and reads the protocol ---------------------------------
    opener = new_page(user=s["opener"])
    opener.goto(f"/innkjop/konkurranser/{reference}/tilbud/")
    assert opener.locator("#sealed-notice").is_visible()
    assert "Fjordlys" not in _text(opener) and "Nordlys" not in _text(opener)
    _click(opener, _nb("Open the bids"))
    opener.wait_for_url(f"**/innkjop/konkurranser/{reference}/tilbud/protokoll/")
    assert _nb("The bids are opened and the bidders are told.") in _text(opener)
    protocol = _text(opener, "main table")
    for expected in (
        "Fjordlys Teknologi AS",
        "Nordlys Data AS",
        f"Vei og Sensor AS ({s['partner'].org_number})",
        DOCUMENT_SHA256,
    ):
        assert expected in protocol
    assert opener.locator("main table tbody tr").count() == 2
    prices = protocol.replace(" ", "").replace("\u00a0", "")
    assert "990000" in prices and "850000" in prices

    # --- 5. The officer assigns both evaluators and checks qualification ---------------------
    officer = new_page(user=s["officer"])
    officer.goto(f"/innkjop/konkurranser/{reference}/evaluering/")
    for evaluator in (s["evaluator1"], s["evaluator2"]):
        officer.select_option("#id_user", str(evaluator.pk))
        _click(officer, _nb("Assign evaluator"))
        assert _nb("The evaluator is assigned.") in _text(officer)
    evaluators = _text(officer, "section[aria-labelledby=evaluators-heading]")
    assert "evaluator1@afk.test" in evaluators and "evaluator2@afk.test" in evaluators

    officer.get_by_role(
        "link", name=_nb("Read the bid from %(name)s", name="Fjordlys Teknologi AS")
    ).click()
    bid_page = _text(officer)
    assert "Vi har drevet skyss-apper i tre år." in bid_page
    assert DOCUMENT_SHA256 in bid_page
    officer.check("input[name=result][value=qualified]")
    _click(officer, _nb("Save the qualification check"))
    assert _nb("The qualification check is saved.") in _text(officer)
    competitor_bid = Bid.objects.get(pk=s["competitor_bid"].pk)  # its tender is now closed
    evaluation_services.qualification_assess(
        bid=competitor_bid, by=s["officer"], result="qualified"
    )

    # The first evaluator scores both bids in the browser, from the list of evaluations.
    evaluator1 = new_page(user=s["evaluator1"])
    evaluator1.goto("/innkjop/evalueringer/")
    evaluator1.get_by_role("link", name=tender.title).click()
    evaluator1.wait_for_url(f"**/innkjop/konkurranser/{reference}/evaluering/")
    for name, points in (
        ("Fjordlys Teknologi AS", ("7.5", "6")),
        ("Nordlys Data AS", ("8", "8.5")),
    ):
        evaluator1.get_by_role("link", name=_nb("Score %(name)s", name=name)).click()
        evaluator1.fill(f"#id_points_{key.format(quality.pk)}", points[0])
        evaluator1.fill(f"#id_points_{key.format(price.pk)}", points[1])
        evaluator1.fill(f"#id_comment_{key.format(quality.pk)}", "Godt begrunnet.")
        _click(evaluator1, _nb("Save my scores"))
        assert _nb("Your scores are saved.") in _text(evaluator1)
        evaluator1.locator("nav.bid-nav").get_by_role(
            "link", name=_nb("Evaluation"), exact=True
        ).click()

    # The second evaluator scores through the service.
    bid.refresh_from_db()
    for bid_scored, points in ((bid, ("6.5", "6")), (competitor_bid, ("7.5", "9.5"))):
        for criterion, value in zip((quality, price), points, strict=True):
            evaluation_services.score_set(
                bid=bid_scored, lot=lot, criterion=criterion, by=s["evaluator2"], points=value
            )

    # The officer agrees the scores, seeing each evaluator's (on Kvalitet, the first criterion).
    evaluators_said = {
        "Fjordlys Teknologi AS": ("7.50", "6.50"),
        "Nordlys Data AS": ("8.00", "7.50"),
    }
    officer.goto(f"/innkjop/konkurranser/{reference}/evaluering/")
    for name, points in (
        ("Fjordlys Teknologi AS", STARTUP_POINTS),
        ("Nordlys Data AS", COMPETITOR_POINTS),
    ):
        officer.get_by_role("link", name=_nb("Agreed scores for %(name)s", name=name)).click()
        sheet = _text(officer, "main form").replace(",", ".")  # 7,50 in Bokmål
        for evaluator, score in zip(
            ("evaluator1", "evaluator2"), evaluators_said[name], strict=True
        ):
            assert f"{s[evaluator].full_name}: {score}" in sheet, sheet
        for criterion, value in zip((quality, price), points, strict=True):
            officer.fill(f"#id_points_{key.format(criterion.pk)}", value)
            officer.fill(f"#id_rationale_{key.format(criterion.pk)}", "Samlet vurdering.")
        _click(officer, _nb("Save the agreed scores"))
        officer.wait_for_url(f"**/innkjop/konkurranser/{reference}/evaluering/")
        assert _nb("The agreed scores are saved.") in _text(officer)

    # ... and awards the lot to the competitor with reasons.
    officer.locator("nav.bid-nav").get_by_role("link", name=_nb("Award"), exact=True).click()
    officer.wait_for_url(f"**/innkjop/konkurranser/{reference}/tildeling/")
    ranking = _text(officer, "section[aria-labelledby=lot-1-heading] ul")
    assert re.search(r"1\. Nordlys Data AS: 84[.,]00", ranking), ranking
    assert re.search(r"2\. Fjordlys Teknologi AS: 66[.,]00", ranking), ranking
    officer.select_option("#id_lot1-bid", str(competitor_bid.pk))
    officer.fill("#id_lot1-reasons", "Nordlys Data AS har den beste kvaliteten og prisen.")
    _click(officer, _nb("Award lot %(number)s", number=1))
    page_text = _text(officer)
    assert _nb("The award decision is made and the bidders are told.") in page_text
    assert _nb("Awarded to %(name)s.", name="Nordlys Data AS") in page_text

    # --- 6. The startup reads its award letter: its own scores and the winner's --------------
    # It follows the notification in its inbox to the letter.
    startup.goto("/varsler/")
    subject = _nb(
        "Award decision for lot %(number)s of %(reference)s", number=1, reference=reference
    )
    # (the visible subject: Playwright aims at the link's hidden "Unread:" prefix otherwise)
    startup.locator("main li.notification--unread").get_by_text(subject, exact=True).click()
    assert subject in _text(startup, "main h1")
    startup.locator("main").get_by_role("link", name=_nb("Go to the page")).click()
    startup.wait_for_url(f"**{bid_url}tildeling/")
    letter = _text(startup)
    assert _nb("Letter to unsuccessful bidder") in letter
    assert (
        _nb(
            "The buyer intends to award the lot to %(winner)s. Your bid was not chosen.",
            winner="Nordlys Data AS",
        )
        in letter
    )
    assert "Nordlys Data AS har den beste kvaliteten og prisen." in letter
    table = startup.locator("main table").first
    cells = [  # numbers compared with a decimal point, whether or not the page localises them
        [
            " ".join(cell.split()).replace(",", ".")
            for cell in row.locator("th, td").all_inner_texts()
        ]
        for row in table.locator("tbody tr").all()
    ]
    assert cells == [
        ["Kvalitet", "60 %", "7.00", "8.00"],
        ["Pris", "40 %", "6.00", "9.00"],
        [_nb("Weighted total"), "100 %", "66.00", "84.00"],
    ], cells
