"""Demo pilots, each made from a real award of the demo data: one still running (the energy
management pilot awarded in ``seed_demo_bids``) and one scaled up into a full purchase (the
framework agreement on digital appointments, awarded over a year ago).

Dates are counted from the award: a pilot starts ``starts_days_after_award`` after it, so the
story stays true whenever the demo is seeded. Milestones are days from the start; a milestone is
done when its day has passed. Both pilots are followed by the demo success stories
(``cms.demo_content``), which read their facts.
"""

from __future__ import annotations

from decimal import Decimal

PILOTS = [
    {
        "title": "Energistyring i tre videregående skoler",
        "summary": (
            "Sensorer og styring av varme og ventilasjon i tre videregående skoler, slik at "
            "byggene bruker energi når elevene er der og ikke ellers."
        ),
        "tender": "Pilot: energistyring i skolebygg",  # bids.management.commands.seed_demo_bids
        "supplier": "nordlys-sensorikk",
        "budget_owner": "Eiendomssjef, utdanning",
        "budget": Decimal("900000"),
        "starts_days_after_award": 21,
        "duration_days": 182,
        "status": "running",
        "milestones": [
            ("Sensorer montert i tre skoler", 20),
            ("Styring koblet til byggenes ventilasjon", 45),
            ("Midtveisevaluering med driftspersonalet", 90),
            ("Sluttrapport og anbefaling", 182),
        ],
        "kpis": [
            # name, unit, direction, baseline, target, measured
            ("Energibruk per kvadratmeter og måned", "kWh", "lower", "14", "11", "12.2"),
            ("Timer med for høy CO₂ i klasserom", "timer", "lower", "120", "60", "78"),
            ("Fornøyde elever og lærere med inneklimaet", "%", "higher", None, "75", None),
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
        "starts_days_after_award": 21,
        "duration_days": 180,
        "status": "decided",
        "outcome": "scaled_up",
        "outcome_reason": (
            "Tomme timer gikk ned med 38 prosent og pasientene var fornøyde. Løsningen tas i "
            "bruk på alle klinikkene gjennom en ny anskaffelse."
        ),
        "contract_value": Decimal("3200000"),
        "decided_days_after_end": 20,
        "milestones": [
            ("Oppstart på fire klinikker", 0),
            ("Integrasjon med journalsystemet", 45),
            ("Sluttevaluering", 180),
        ],
        "kpis": [
            ("Tomme timer per måned", "timer", "lower", "310", "220", "192"),
            ("Pasienter som bekrefter timen digitalt", "%", "higher", "0", "60", "71"),
            ("Fornøyde pasienter", "%", "higher", None, "80", "86"),
        ],
    },
]
