"""The demo site's texts, in Bokmål and English (used by ``seed_demo_cms``)."""

from __future__ import annotations

import datetime

HOME = {
    "nb": {
        "title": "Fylkeskommunen som pilotkunde",
        "slug": "pilotmarked",
        "hero_lead": (
            "Pilotmarked kobler behovene i Akershus fylkeskommune med oppstartsbedrifter og små "
            "og mellomstore bedrifter som vil være pilotleverandører."
        ),
        "search_description": (
            "Akershus fylkeskommunes markedsplass for innovative anskaffelser og piloter."
        ),
    },
    "en": {
        "title": "The county as your pilot customer",
        "hero_lead": (
            "Pilotmarked connects the needs of Akershus county with startups and small firms "
            "that want to become pilot suppliers."
        ),
        "search_description": (
            "Akershus County Municipality's marketplace for innovative procurement and pilots."
        ),
    },
}

STORY_INDEX = {
    "nb": {
        "title": "Suksesshistorier",
        "slug": "suksesshistorier",
        "intro": "<p>Slik har bedrifter og fylkeskommunen løst behov sammen.</p>",
    },
    "en": {
        "title": "Success stories",
        "slug": "success-stories",
        "intro": "<p>How firms and the county solved needs together.</p>",
    },
}

STORIES = [
    {
        "supplier": "nordlys-sensorikk",
        "tender": "Pilot: energistyring i skolebygg",
        "pilot": "Energistyring i tre videregående skoler",
        "nb": {
            "title": "Skolebyggene varmes når elevene er der",
            "slug": "energistyring-skolebygg",
            "lead": (
                "Nordlys Sensorikk vant piloten om energistyring og tester sensorer og styring "
                "av varme og ventilasjon i tre videregående skoler."
            ),
        },
        "en": {
            "title": "School buildings are heated when the pupils are there",
            "slug": "energy-management-schools",
            "lead": (
                "Nordlys Sensorikk won the energy management pilot and is testing sensors and "
                "control of heating and ventilation in three upper secondary schools."
            ),
        },
        "body_nb": lambda p, h: [
            h("Behovet"),
            p(
                "<p>Skolebyggene ble varmet og ventilert etter faste tider, også i ferier og "
                "tomme rom, mens enkelte klasserom fikk for dårlig luft.</p>"
            ),
            h("Piloten"),
            p(
                "<p>Sensorer måler temperatur, CO₂ og bruk av rommene, og styringen tilpasser "
                "varme og ventilasjon. Piloten varer i et halvt år.</p>"
            ),
            {
                "type": "quote",
                "value": {
                    "quote": "Vi ser for første gang hvilke rom som brukes, og når.",
                    "attribution": "Driftsleder ved en av skolene",
                },
            },
        ],
        "body_en": lambda p, h: [
            h("The need"),
            p(
                "<p>The school buildings were heated and ventilated on fixed schedules, also "
                "in holidays and empty rooms, while some classrooms had poor air.</p>"
            ),
            h("The pilot"),
            p(
                "<p>Sensors measure temperature, CO₂ and the use of the rooms, and the control "
                "adjusts heating and ventilation. The pilot runs for six months.</p>"
            ),
            {
                "type": "quote",
                "value": {
                    "quote": "For the first time we see which rooms are used, and when.",
                    "attribution": "Operations manager at one of the schools",
                },
            },
        ],
    },
    {
        "supplier": "storby-digital",
        "tender": "Rammeavtale om rådgivning for digital innkalling",
        "pilot": "Digital innkalling i tannhelsetjenesten",
        "nb": {
            "title": "Digital innkalling ga færre tomme timer i tannhelsetjenesten",
            "slug": "digital-innkalling-tannhelse",
            "lead": (
                "Storby Digital hjelper tannhelsetjenesten med å kalle inn pasienter digitalt, "
                "med påminnelser som kan besvares."
            ),
        },
        "en": {
            "title": "Digital appointments left fewer empty slots at the dental service",
            "slug": "digital-appointments-dental-service",
            "lead": (
                "Storby Digital helps the public dental service invite patients digitally, "
                "with reminders patients can reply to."
            ),
        },
        "body_nb": lambda p, h: [
            h("Utgangspunktet"),
            p("<p>Mange pasienter møtte ikke opp fordi brevet kom for sent eller forsvant.</p>"),
            h("Løsningen"),
            p("<p>Innkalling og påminnelser går nå digitalt, og pasienten kan flytte timen.</p>"),
        ],
        "body_en": lambda p, h: [
            h("The starting point"),
            p("<p>Many patients missed appointments because the letter came late or got lost.</p>"),
            h("The solution"),
            p("<p>Invitations and reminders now go out digitally, and patients can move them.</p>"),
        ],
    },
]


def guide(p, h) -> dict:
    return {
        "nb": {
            "title": "Slik selger du til fylkeskommunen",
            "slug": "slik-selger-du-til-fylkeskommunen",
            "lead": (
                "Fra markedsdialog til kontrakt: hva som skjer, hvilke regler som gjelder og "
                "hvordan du kan delta som liten bedrift."
            ),
            "body": [
                h("Markedsdialog"),
                p(
                    "<p>Før en konkurranse beskriver fylkeskommunen behovet og inviterer "
                    "markedet til dialog. Meld interesse eller send en løsningsskisse.</p>"
                ),
                h("Terskelverdier og prosedyrer"),
                p(
                    "<p>Hvilke regler som gjelder, avhenger av anskaffelsens verdi. Tabellen "
                    "viser terskelverdiene som gjelder i dag.</p>"
                ),
                {"type": "thresholds", "value": None},
                h("Delkontrakter for små bedrifter", "h3"),
                p(
                    "<p>Store anskaffelser deles ofte i delkontrakter, slik at mindre bedrifter "
                    "kan gi tilbud på en del.</p>"
                ),
            ],
        },
        "en": {
            "title": "How to sell to the county",
            "slug": "how-to-sell-to-the-county",
            "lead": (
                "From market dialogue to contract: what happens, which rules apply and how a "
                "small firm can take part."
            ),
            "body": [
                h("Market dialogue"),
                p(
                    "<p>Before a tender the county describes its need and invites the market "
                    "to a dialogue. Register your interest or send a solution sketch.</p>"
                ),
                h("Thresholds and procedures"),
                p(
                    "<p>Which rules apply depends on the value of the contract. The table "
                    "shows the thresholds in force today.</p>"
                ),
                {"type": "thresholds", "value": None},
                h("Lots for small firms", "h3"),
                p(
                    "<p>Large contracts are often split into lots so that smaller firms can "
                    "bid for a part.</p>"
                ),
            ],
        },
    }


NEWS_INDEX = {
    "nb": {"title": "Nyheter", "slug": "nyheter"},
    "en": {"title": "News", "slug": "news"},
}


def news(p) -> dict:
    return {
        "nb": {
            "title": "Pilotmarked er åpnet",
            "slug": "pilotmarked-er-apnet",
            "date": datetime.date.today(),
            "lead": "Fylkeskommunen åpner en markedsplass for piloter med små bedrifter.",
            "body": [p("<p>Her finner du behov, konkurranser og testarenaer.</p>")],
        },
        "en": {
            "title": "Pilotmarked has opened",
            "slug": "pilotmarked-has-opened",
            "lead": "The county opens a marketplace for pilots with small firms.",
            "body": [p("<p>Here you find needs, tenders and test arenas.</p>")],
        },
    }


def faq() -> dict:
    def question(q: str, a: str) -> dict:
        return {"type": "question", "value": {"question": q, "answer": f"<p>{a}</p>"}}

    return {
        "nb": {
            "title": "Spørsmål og svar",
            "slug": "sporsmal-og-svar",
            "questions": [
                question(
                    "Må jeg registrere meg for å se konkurranser?",
                    "Nei. Alle kan lese behov og konkurranser. Du må registrere deg for å "
                    "stille spørsmål og gi tilbud.",
                ),
                question(
                    "Hva er en pilot?",
                    "En avgrenset utprøving av en ny løsning hos fylkeskommunen, med mulighet "
                    "for å skalere opp.",
                ),
            ],
        },
        "en": {
            "title": "Questions and answers",
            "slug": "faq",
            "questions": [
                question(
                    "Do I have to sign up to see tenders?",
                    "No. Anyone can read needs and tenders. You sign up to ask questions and "
                    "to bid.",
                ),
                question(
                    "What is a pilot?",
                    "A limited trial of a new solution at the county, with an option to scale up.",
                ),
            ],
        },
    }


def accessibility(p, h) -> dict:
    reviewed = datetime.date.today()
    return {
        "nb": {
            "title": "Tilgjengelighetserklæring",
            "slug": "tilgjengelighetserklaering",
            "conformance": "partial",
            "last_reviewed": reviewed,
            "feedback_email": "uu@pilotmarked.test",
            "body": [
                h("Hva vi har testet"),
                p(
                    "<p>Alle sidetyper testes automatisk med axe mot WCAG 2.1 nivå A og AA, og "
                    "med tastatur og skjermleser før hver lansering.</p>"
                ),
                h("Kjente mangler"),
                p("<p>Noen eldre PDF-dokumenter fra konkurranser er ikke tilgjengelige.</p>"),
            ],
        },
        "en": {
            "title": "Accessibility statement",
            "conformance": "partial",
            "last_reviewed": reviewed,
            "feedback_email": "uu@pilotmarked.test",
            "body": [
                h("What we have tested"),
                p(
                    "<p>Every page type is tested automatically with axe against WCAG 2.1 "
                    "levels A and AA, and with keyboard and screen reader before each release."
                    "</p>"
                ),
                h("Known issues"),
                p("<p>Some older PDF documents from tenders are not accessible.</p>"),
            ],
        },
    }
