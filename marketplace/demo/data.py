"""Facts the embedded demo carries, so `make run` works with no reference files at hand.

The full lists are imported from the official files with management commands; this is a subset.
Municipalities: Kartverket 2024 numbering (Akershus is county 32).
"""

AKERSHUS = ("32", "Akershus")

AKERSHUS_MUNICIPALITIES = [
    ("3201", "Bærum"),
    ("3203", "Asker"),
    ("3205", "Lillestrøm"),
    ("3207", "Nordre Follo"),
    ("3209", "Ullensaker"),
    ("3212", "Nesodden"),
    ("3214", "Frogn"),
    ("3216", "Vestby"),
    ("3218", "Ås"),
    ("3220", "Enebakk"),
    ("3222", "Lørenskog"),
    ("3224", "Rælingen"),
    ("3226", "Aurskog-Høland"),
    ("3228", "Nes"),
    ("3230", "Gjerdrum"),
    ("3232", "Nittedal"),
    ("3234", "Lunner"),
    ("3236", "Jevnaker"),
    ("3238", "Nannestad"),
    ("3240", "Eidsvoll"),
    ("3242", "Hurdal"),
]

# Buyer organisations: (org number, slug, name, units as (slug, Bokmål, English)).
BUYERS = [
    (
        "930580783",
        "akershus-fylkeskommune",
        "Akershus fylkeskommune",
        [
            ("utdanning", "Utdanning og kompetanse", "Education and skills"),
            ("samferdsel", "Samferdsel", "Transport"),
            ("tannhelse", "Tannhelse", "Dental health"),
            ("eiendom", "Eiendom", "Property"),
            (
                "kultur",
                "Kultur, frivillighet og folkehelse",
                "Culture, volunteering and public health",
            ),
            ("klima-naering", "Klima, miljø og næring", "Climate, environment and business"),
        ],
    ),
    (
        "935478715",
        "baerum-kommune",
        "Bærum kommune",
        [("teknisk", "Teknisk forvaltning", "Technical services")],
    ),
]

# Supplier organisations (fictional firms): (org number, slug, name, website).
SUPPLIERS = [
    ("921000006", "nordlys-sensorikk", "Nordlys Sensorikk AS", "https://nordlys-sensorikk.example"),
    ("921000073", "bakke-berg", "Bakke & Berg Miljøteknikk AS", "https://bakkeberg.example"),
    ("921000146", "storby-digital", "Storby Digital ASA", "https://storbydigital.example"),
]

# One person per role: (e-mail, full name, language, organisation slug or None, role or special,
# unit slug or None, what the person shows a newcomer).
PEOPLE = [
    (
        "admin@pilotmarked.test",
        "Sara Site-Admin",
        "nb",
        None,
        "superuser",
        None,
        "Site administrator (Django admin, Wagtail)",
    ),
    ("redaktor@pilotmarked.test", "Erik Redaktør", "nb", None, "editor", None, "Editor (Wagtail)"),
    (
        "moderator@pilotmarked.test",
        "Mona Moderator",
        "nb",
        None,
        "moderator",
        None,
        "Moderator (Wagtail: approves and publishes pages)",
    ),
    (
        "innkjopsleder@afk.test",
        "Ingrid Innkjøpsleder",
        "nb",
        "akershus-fylkeskommune",
        "buyer_admin",
        None,
        "Buyer administrator, Akershus fylkeskommune",
    ),
    (
        "innkjoper@afk.test",
        "Ola Innkjøper",
        "nb",
        "akershus-fylkeskommune",
        "procurement_officer",
        None,
        "Procurement officer, whole county",
    ),
    (
        "behovseier@afk.test",
        "Kari Behovseier",
        "nb",
        "akershus-fylkeskommune",
        "need_owner",
        "samferdsel",
        "Need owner, Samferdsel",
    ),
    (
        "evaluator@afk.test",
        "Per Evaluator",
        "en",
        "akershus-fylkeskommune",
        "evaluator",
        "utdanning",
        "Evaluator, Utdanning og kompetanse (English)",
    ),
    (
        "apner@afk.test",
        "Anne Åpner",
        "nb",
        "akershus-fylkeskommune",
        "bid_opener",
        None,
        "Bid opener, whole county",
    ),
    (
        "innkjoper@baerum.test",
        "Bjørn Bærum",
        "nb",
        "baerum-kommune",
        "procurement_officer",
        None,
        "Procurement officer, Bærum kommune",
    ),
    (
        "grunder@nordlys.test",
        "Nora Gründer",
        "en",
        "nordlys-sensorikk",
        "supplier_admin",
        None,
        "Startup founder (supplier admin, English)",
    ),
    (
        "utvikler@nordlys.test",
        "Nils Utvikler",
        "nb",
        "nordlys-sensorikk",
        "supplier_member",
        None,
        "Startup member",
    ),
    (
        "daglig.leder@bakkeberg.test",
        "Berit Bakke",
        "nb",
        "bakke-berg",
        "supplier_admin",
        None,
        "SMB (supplier admin)",
    ),
    (
        "anbud@storbydigital.test",
        "Stian Storby",
        "nb",
        "storby-digital",
        "supplier_admin",
        None,
        "Large firm (supplier admin)",
    ),
]
