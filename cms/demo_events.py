"""Demo texts for the event index, two events and the indicators page, in both languages.

Used by ``seed_demo_cms``. Event times are set relative to today (always upcoming on a fresh
demo), at whole hours in Oslo time, and stored in UTC.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from marketplace.formatting import OSLO
from tenders.models import Need

EVENT_INDEX = {
    "nb": {
        "title": "Arrangementer",
        "slug": "arrangementer",
        "intro": "<p>Markedsdialogmøter og leverandørkonferanser i regi av fylkeskommunen.</p>",
    },
    "en": {
        "title": "Events",
        "intro": "<p>Market-dialogue meetings and supplier conferences held by the county.</p>",
    },
}

INDICATORS = {
    "nb": {
        "title": "Indikatorer",
        "slug": "indikatorer",
        "intro": (
            "<p>Næringsstrategien (kapittel 7) ber om tall som viser om flere små bedrifter og "
            "oppstartsbedrifter får være med på fylkeskommunens anskaffelser. Tallene under er "
            "hentet rett fra Pilotmarked.</p>"
        ),
        "search_description": "Indikatorer for oppfølging av næringsstrategien i Akershus.",
    },
    "en": {
        "title": "Indicators",
        "intro": (
            "<p>The business strategy (chapter 7) asks for figures that show whether more small "
            "firms and startups take part in the county's procurement. The figures below come "
            "straight from Pilotmarked.</p>"
        ),
        "search_description": "Indicators that follow up Akershus county's business strategy.",
    },
}


def _oslo(days_ahead: int, hour: int) -> datetime.datetime:
    day = timezone.localdate(timezone.now(), OSLO) + datetime.timedelta(days=days_ahead)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).astimezone(
        datetime.UTC
    )


def events() -> list[dict]:
    need = Need.objects.filter(slug="smartere-vinterdrift").first()
    return [
        {
            "nb": {
                "title": "Markedsdialog: smartere vinterdrift av fylkesveiene",
                "slug": "markedsdialog-vinterdrift",
                "kind": "market_dialogue",
                "start": _oslo(21, 9),
                "end": _oslo(21, 11),
                "lead": (
                    "Samferdsel forteller om behovet for smartere vinterdrift og svarer på "
                    "spørsmål. Alle leverandører får samme informasjon."
                ),
                "place": "Fylkeshuset, Schweigaards gate 4, Oslo",
                "digital_link": "https://teams.microsoft.com/l/meetup-join/demo",
                "need": need,
                "capacity": 40,
            },
            "en": {
                "title": "Market dialogue: smarter winter maintenance of county roads",
                "lead": (
                    "The transport service area explains its need for smarter winter "
                    "maintenance and answers questions. Every supplier gets the same information."
                ),
            },
        },
        {
            "nb": {
                "title": "Leverandørkonferansen: slik blir du pilotleverandør",
                "slug": "leverandorkonferansen",
                "kind": "supplier_conference",
                "start": _oslo(45, 12),
                "end": _oslo(45, 16),
                "lead": (
                    "Møt innkjøperne i fylkeskommunen, hør om kommende konkurranser og finn "
                    "partnere til delkontraktene."
                ),
                "place": "Lillestrøm kultursenter",
                "capacity": 150,
            },
            "en": {
                "title": "Supplier conference: how to become a pilot supplier",
                "lead": (
                    "Meet the county's buyers, hear about coming tenders and find partners for "
                    "the lots."
                ),
            },
        },
    ]
