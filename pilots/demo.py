"""Demo pilots on the demo tenders: one scaled up into a full purchase, one still running.

Both are followed by the demo success stories (``cms.demo_content``), which read their facts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

PILOTS = [
    {
        "title": "Sensorer for vinterdrift på gang- og sykkelveier",
        "summary": (
            "Veisensorer på tre strekninger i Lillestrøm varsler glatte partier, slik at "
            "brøyting og strøing settes inn der det trengs."
        ),
        "tender": "Sensorbasert vinterdrift av gang- og sykkelveier",
        "supplier": "nordlys-sensorikk",
        "budget_owner": "Leder for drift og vedlikehold, samferdsel",
        "budget": Decimal("600000"),
        "starts_on": datetime.date(2026, 10, 1),
        "ends_on": datetime.date(2027, 3, 31),
        "status": "running",
        "milestones": [
            ("Sensorer montert på tre strekninger", datetime.date(2026, 10, 20), True),
            ("Varsler koblet til driftsentralen", datetime.date(2026, 11, 15), True),
            ("Midtveisevaluering med driftsentreprenøren", datetime.date(2027, 1, 15), False),
            ("Sluttrapport og anbefaling", datetime.date(2027, 3, 31), False),
        ],
        "kpis": [
            # name, unit, direction, baseline, target, measured
            ("Andel glattvarsler som stemte", "%", "higher", None, "85", "88"),
            ("Strømengde per kilometer", "kg", "lower", "420", "340", "365"),
            ("Meldte fallulykker på strekningene", "antall", "lower", "9", "5", None),
        ],
    },
    {
        "title": "Digital innkalling i tannhelsetjenesten",
        "summary": (
            "Pasienter får innkalling og påminnelse på SMS og kan flytte timen selv. Piloten "
            "ble gjennomført på fire klinikker."
        ),
        "tender": "Rammeavtale om rådgivning for digital innkalling",
        "supplier": "storby-digital",
        "budget_owner": "Fylkestannlege",
        "budget": Decimal("450000"),
        "starts_on": datetime.date(2025, 9, 1),
        "ends_on": datetime.date(2026, 2, 28),
        "status": "decided",
        "outcome": "scaled_up",
        "outcome_reason": (
            "Tomme timer gikk ned med 38 prosent og pasientene var fornøyde. Løsningen tas i "
            "bruk på alle klinikkene gjennom en ny anskaffelse."
        ),
        "contract_value": Decimal("3200000"),
        "decided_at": datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC),
        "milestones": [
            ("Oppstart på fire klinikker", datetime.date(2025, 9, 1), True),
            ("Integrasjon med journalsystemet", datetime.date(2025, 10, 15), True),
            ("Sluttevaluering", datetime.date(2026, 2, 28), True),
        ],
        "kpis": [
            ("Tomme timer per måned", "timer", "lower", "310", "220", "192"),
            ("Pasienter som bekrefter timen digitalt", "%", "higher", "0", "60", "71"),
            ("Fornøyde pasienter", "%", "higher", None, "80", "86"),
        ],
    },
]
