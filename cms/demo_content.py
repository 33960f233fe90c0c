"""The demo site's texts, in Bokmål and English (used by ``seed_demo_cms``)."""

from __future__ import annotations

import datetime

from django.conf import settings

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


# The accessibility statement (tilgjengelighetserklæring). The criteria not met are the known
# findings of the accessibility crawl (tests/e2e/conftest.py KNOWN_FINDINGS): the statement test
# (tests/cms/test_accessibility_statement.py) fails when a known finding is missing here.
STATEMENT_DATE = datetime.date(2026, 12, 7)
# (WCAG criterion, Bokmål text, English text, date it is to be fixed by)
CRITERIA_NOT_MET: list[tuple[str, str, str, datetime.date]] = []


def _county_email() -> str:
    """The county's post room, as configured for its notices (one home: settings)."""
    addresses = getattr(settings, "EFORMS_BUYER_ADDRESSES", {}) or {}
    return addresses.get("930580783", {}).get("email") or "postmottak@afk.no"


# The staff back offices, Wagtail's admin (the county's editors) and Django's admin (the
# service's administrators), are crawled with axe like the public site
# (tests/e2e/test_a11y_back_office.py). What fails there is inside the vendors' own UIs; the
# crawl lists it (VENDOR_FINDINGS) and the statement test keeps this list in step with it.
# (WCAG criterion, vendor, Bokmål text, English text)
BACK_OFFICE_LIMITATIONS: list[tuple[str, str, str, str]] = [
    (
        "4.1.2",
        "Wagtail",
        "Rikteksteditoren i innholdsblokker og tag-feltet for bilder og dokumenter har ikke navn "
        "for skjermlesere, og antall treff i sidesøket er en overskrift med en rolle den ikke "
        "kan ha.",
        "The rich-text editor in content blocks and the tag field of images and documents have "
        "no name for screen readers, and the page search's result count is a heading with a "
        "role it cannot have.",
    ),
    (
        "1.3.1",
        "Wagtail",
        "Sidesøket og listen over arbeidsflyter hopper over overskriftsnivåer, listen over "
        "arbeidsflyter har feil listestruktur, og arbeidsflytskjemaet og arbeidsflytrapporten "
        "har tomme overskrifter.",
        "The page search and the workflow list skip heading levels, the workflow list has a "
        "broken list structure, and the workflow form and the workflow report have empty "
        "headings.",
    ),
    (
        "1.4.1",
        "Django",
        "Lenkene i brødsmulestien skilles fra teksten rundt bare med farge.",
        "The breadcrumb links differ from the text around them by colour only.",
    ),
    (
        "2.5.8",
        "Django",
        "Lenkene i filterpanelet på listesidene er 20 piksler høye og står tett.",
        "The links of the list pages' filter panel are 20 pixels high and close together.",
    ),
    (
        "1.3.1",
        "Django",
        "Tabellene med underordnede rader i skjemaene har en tom kolonneoverskrift.",
        "The tables of related rows in the forms have an empty column header.",
    ),
    (
        "4.1.2",
        "Django",
        "Feltene i disse tabellene har bare kolonneoverskriften som navn, og hjelpeikonet i "
        "flervalgsfelt har et navn det ikke kan ha.",
        "The fields in those tables are named by their column header only, and the help icon "
        "of multiple-choice fields has a name it cannot have.",
    ),
    (
        "3.3.2",
        "Django",
        "Nedtrekkslistene i disse tabellene er merket bare med en title-attributt.",
        "The drop-down lists in those tables are labelled by a title attribute only.",
    ),
]


def _back_office(p, lang: str):
    intro = {
        "nb": "<p>Redaktørenes verktøy (Wagtail) og administrasjonen (Django) testes med axe "
        "på samme måte som resten av tjenesten. Feilene under ligger i leverandørenes egne "
        "brukergrensesnitt, som vi ikke kan rette uten å lage vår egen versjon av dem.</p>",
        "en": "<p>The editors' tool (Wagtail) and the administration (Django) are tested with "
        "axe like the rest of the service. The failures below are in the vendors' own user "
        "interfaces, which we cannot fix without making our own version of them.</p>",
    }
    items = []
    for criterion, vendor, nb, en in BACK_OFFICE_LIMITATIONS:
        items.append(f"<li>WCAG {criterion} ({vendor}): {nb if lang == 'nb' else en}</li>")
    return [p(intro[lang]), p("<ul>" + "".join(items) + "</ul>")]


def _uustatus_url() -> str:
    """The service's statement on uustatus.no, Uutilsynet's register of statements, where
    feedback and complaints to the authority start (per deployment: settings)."""
    return settings.UUSTATUS_STATEMENT_URL


def _not_met(p, lang: str):
    if not CRITERIA_NOT_MET:
        none = {
            "nb": "<p>Vi kjenner ikke til brudd på suksesskriteriene nå.</p>",
            "en": "<p>We know of no failures of the success criteria at present.</p>",
        }
        return [p(none[lang])]
    items = []
    for criterion, nb, en, fix_by in CRITERIA_NOT_MET:
        text = nb if lang == "nb" else en
        when = fix_by.strftime("%d.%m.%Y") if lang == "nb" else fix_by.isoformat()
        label = "rettes innen" if lang == "nb" else "to be fixed by"
        items.append(f"<li>WCAG {criterion}: {text} ({label} {when})</li>")
    return [p("<ul>" + "".join(items) + "</ul>")]


def accessibility(p, h) -> dict:
    email = _county_email()
    uustatus = _uustatus_url()
    return {
        "nb": {
            "title": "Tilgjengelighetserklæring",
            "slug": "tilgjengelighetserklaering",
            "conformance": "partial",
            "last_reviewed": STATEMENT_DATE,
            "feedback_email": email,
            "body": [
                p(
                    "<p>Akershus fylkeskommune har ansvar for Pilotmarked og skal oppfylle kravene "
                    "til universell utforming i likestillings- og diskrimineringsloven og "
                    "forskrift om universell utforming av IKT-løsninger. Forskriften krever "
                    "suksesskriteriene på nivå A og AA i WCAG 2.1, med de unntakene den gjør for "
                    "lyd og video, og det er dette lovkravet statusen over gjelder.</p>"
                ),
                p(
                    "<p>Vi tester strengere enn loven krever, mot WCAG 2.2 nivå A og AA. Den "
                    "har alle suksesskriteriene i 2.1 unntatt 4.1.1, som er tatt ut, og seks "
                    "nye på nivå A og AA: 2.4.11, 2.5.7, 2.5.8, 3.2.6, 3.3.7 og 3.3.8.</p>"
                ),
                h("Kontakt oss"),
                p(
                    f'<p>Finner du noe som ikke virker for deg, skriv til <a href="mailto:'
                    f'{email}">{email}</a>. Vi svarer innen ti virkedager.</p>'
                ),
                h("Klage til tilsynet"),
                p(
                    "<p>Får du ikke svar, eller er du ikke fornøyd med svaret, kan du melde fra "
                    "til Tilsynet for universell utforming av ikt (Uutilsynet). Erklæringen er "
                    "også publisert i Uutilsynets løsning for tilgjengelighetserklæringer, og "
                    f'der begynner meldingen til tilsynet: <a href="{uustatus}">uustatus.no</a>.'
                    "</p>"
                ),
                h("Krav som ikke er oppfylt"),
                *_not_met(p, "nb"),
                p(
                    "<p>Dokumenter som innkjøpere og leverandører laster opp (for eksempel "
                    "PDF-filer i konkurranser), lager de selv, og vi kan ikke love at de er "
                    "universelt utformet.</p>"
                ),
                h("Kjente begrensninger i redaksjonsverktøyene"),
                *_back_office(p, "nb"),
                h("Slik har vi testet"),
                p(
                    "<p>Hver side- og URL-type testes automatisk i begge språk, for hver rolle "
                    "(besøkende, leverandør, innkjøper, åpner, evaluator), med axe-core mot "
                    "WCAG 2.0, 2.1 og 2.2 nivå A og AA og axe sine anbefalte regler, og for "
                    "omflyt ved 320 piksler bredde. Tastaturreisene for å levere tilbud og "
                    "publisere en konkurranse testes automatisk, og vi tester manuelt med tastatur "
                    "før hver lansering.</p>"
                ),
                p(
                    "<p>Erklæringen ble laget "
                    f"{STATEMENT_DATE.strftime('%d.%m.%Y')} og sist gjennomgått samme dag.</p>"
                ),
            ],
        },
        "en": {
            "title": "Accessibility statement",
            "conformance": "partial",
            "last_reviewed": STATEMENT_DATE,
            "feedback_email": email,
            "body": [
                p(
                    "<p>Akershus County Municipality is responsible for Pilotmarked and must meet "
                    "the universal design requirements of the Norwegian Equality and "
                    "Anti-Discrimination Act and the regulations on universal design of ICT. The "
                    "regulations require the success criteria of levels A and AA in WCAG 2.1, "
                    "with the exceptions they make for audio and video, and the status above is "
                    "about this legal requirement.</p>"
                ),
                p(
                    "<p>We test to more than the law requires, to WCAG 2.2 levels A and AA. It "
                    "has every success criterion of 2.1 except 4.1.1, which was removed, and six "
                    "new ones at levels A and AA: 2.4.11, 2.5.7, 2.5.8, 3.2.6, 3.3.7 and 3.3.8."
                    "</p>"
                ),
                h("Contact us"),
                p(
                    f'<p>If something does not work for you, write to <a href="mailto:{email}">'
                    f"{email}</a>. We answer within ten working days.</p>"
                ),
                h("Complain to the supervisory authority"),
                p(
                    "<p>If you get no answer, or are not satisfied with it, you can report it to "
                    "the Norwegian Authority for Universal Design of ICT (Uutilsynet). This "
                    "statement is also published in Uutilsynet's service for accessibility "
                    "statements, and reports to the authority start there: "
                    f'<a href="{uustatus}">uustatus.no</a>.</p>'
                ),
                h("Requirements not met"),
                *_not_met(p, "en"),
                p(
                    "<p>Documents that buyers and suppliers upload (such as PDF files in "
                    "tenders) are made by them, and we cannot promise that they are accessible."
                    "</p>"
                ),
                h("Known limitations of the back office"),
                *_back_office(p, "en"),
                h("How we tested"),
                p(
                    "<p>Every page and URL type is tested automatically in both languages, for "
                    "each role (visitor, supplier, buyer, bid opener, evaluator), with axe-core "
                    "against WCAG 2.0, 2.1 and 2.2 levels A and AA and axe's best-practice rules, "
                    "and for reflow at 320 pixels wide. The keyboard journeys for submitting a "
                    "bid and publishing a tender are tested automatically, and we test manually "
                    "with the keyboard before each release.</p>"
                ),
                p(
                    f"<p>This statement was made on {STATEMENT_DATE.isoformat()} and last "
                    "reviewed the same day.</p>"
                ),
            ],
        },
    }
