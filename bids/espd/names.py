"""Bokmål names of the ESPD criteria (the taxonomy has English only), and the default set.

Names follow the Norwegian ESPD service (DFØ, anskaffelser.no) where it has them. A criterion
without a Bokmål name here shows its English name.
"""

from __future__ import annotations

from marketplace.i18n import in_active_language

NAMES_NB: dict[str, str] = {
    # Exclusion grounds (FOA § 24-2)
    "crime-org": "Deltakelse i en kriminell organisasjon",
    "corruption": "Korrupsjon",
    "fraud": "Bedrageri",
    "terr-offence": "Terrorhandlinger eller straffbare handlinger med tilknytning til terror",
    "finan-laund": "Hvitvasking av penger eller finansiering av terrorisme",
    "human-traffic": "Barnearbeid og andre former for menneskehandel",
    "tax-pay": "Betaling av skatter og avgifter",
    "socsec-pay": "Betaling av trygdeavgifter",
    "envir-law": "Brudd på miljørettslige forpliktelser",
    "socsec-law": "Brudd på sosialrettslige forpliktelser",
    "labour-law": "Brudd på arbeidsrettslige forpliktelser",
    "bankruptcy": "Konkurs",
    "insolvency": "Insolvens",
    "cred-arran": "Akkord med kreditorer",
    "bankr-nat": "Situasjon som tilsvarer konkurs etter nasjonal rett",
    "liq-admin": "Eiendeler forvaltet av bobestyrer",
    "susp-act": "Næringsvirksomheten er innstilt",
    "prof-misconduct": "Alvorlig feil i yrkesutøvelsen",
    "distorsion": "Avtaler med andre leverandører som har til formål å vri konkurransen",
    "partic-confl": "Interessekonflikt på grunn av deltakelse i anskaffelsesprosessen",
    "prep-confl": "Direkte eller indirekte deltakelse i forberedelsen av anskaffelsen",
    "sanction": "Tidligere kontrakt hevet, erstatning eller andre sanksjoner",
    "misrepresent": "Uriktige opplysninger, tilbakeholdt informasjon eller manglende dokumentasjon",
    "nati-ground": "Rent nasjonale avvisningsgrunner",
    # Selection criteria (FOA § 16-2 …)
    "prof-regist": "Registrering i et relevant yrkesregister",
    "trade-regist": "Registrering i et foretaksregister",
    "authorisation": "Tjenestekontrakter: særskilt godkjenning kreves",
    "membership": "Tjenestekontrakter: medlemskap i en bestemt organisasjon kreves",
    "gen-year-to": "Generell årlig omsetning",
    "aver-year-to": "Gjennomsnittlig årlig omsetning",
    "spec-aver-to": "Spesifikk gjennomsnittlig omsetning",
    "spec-year-to": "Spesifikk årlig omsetning",
    "finan-rat": "Finansielle nøkkeltall",
    "indem-insu": "Yrkesansvarsforsikring",
    "finan-requ": "Andre økonomiske eller finansielle krav",
    "work-perform": "Bygge- og anleggskontrakter: utførte arbeider av den angitte typen",
    "supply-perform": "Varekontrakter: leveranser av den angitte typen",
    "service-perform": "Tjenestekontrakter: utførte tjenester av den angitte typen",
    "qual-cont-tech": "Teknikere eller tekniske organer for kvalitetskontroll",
    "work-tech": "Bygge- og anleggskontrakter: teknikere eller tekniske organer",
    "qual-facil": "Tekniske anlegg og tiltak for å sikre kvalitet",
    "research-fac": "Studie- og forskningsfasiliteter",
    "chain-manage": "Styring av leverandørkjeden",
    "envir-measure": "Miljøstyringstiltak",
    "tech-equip": "Verktøy, anlegg eller teknisk utstyr",
    "qualification": "Utdanning og faglige kvalifikasjoner",
    "manage-staff": "Antall ledere",
    "year-manpower": "Gjennomsnittlig årlig arbeidsstyrke",
    "suncont-port": "Andel som planlegges satt ut til underleverandører",
    "qu-certif-indep": "Sertifikater fra uavhengige organer om kvalitetssikring",
    "envir-certif-indep": "Sertifikater fra uavhengige organer om miljøstyring",
    # Other information about the economic operator
    "eo-group": "Leverandøren deltar sammen med andre",
    "relied": "Enheter leverandøren støtter seg på",
    "subco-ent": "Underleverandører leverandøren ikke støtter seg på",
    "sme": "Leverandøren er et lite eller mellomstort foretak",
    "shelt-worksh": "Leverandøren er en vernet virksomhet",
    "registered": "Leverandøren er registrert i en prekvalifiseringsordning",
    "staff-red": "Begrensning av antall kvalifiserte leverandører",
}

# A county's usual open procedure above the EEA threshold: the mandatory and usual exclusion
# grounds, registration, turnover and references.
DEFAULT_CODES: tuple[str, ...] = (
    "crime-org",
    "corruption",
    "fraud",
    "terr-offence",
    "finan-laund",
    "human-traffic",
    "tax-pay",
    "socsec-pay",
    "envir-law",
    "socsec-law",
    "labour-law",
    "bankruptcy",
    "insolvency",
    "cred-arran",
    "liq-admin",
    "susp-act",
    "prof-misconduct",
    "distorsion",
    "partic-confl",
    "prep-confl",
    "sanction",
    "misrepresent",
    "trade-regist",
    "gen-year-to",
    "service-perform",
)

# Asked in every ESPD response whatever the buyer chooses: who the economic operator is part
# of, relies on and subcontracts to (the rules require them of a group's lead), and its size.
ALWAYS_CODES: tuple[str, ...] = ("eo-group", "relied", "subco-ent", "sme")

# The taxonomy's questions (English) in Bokmål, for the answer form.
QUESTIONS_NB: dict[str, str] = {
    "Your answer": "Ditt svar",
    "Your Answer": "Ditt svar",
    "Your answer?": "Ditt svar",
    "Date of conviction": "Dato for domfellelsen",
    "Reason": "Begrunnelse",
    "Who has been convicted": "Hvem som er domfelt",
    "Length of the period of exclusion": "Hvor lenge utelukkelsen varer",
    "Have you taken measures to demonstrate your reliability (Self-Cleaning)?": (
        "Har dere truffet tiltak for å vise at dere er pålitelige (self-cleaning)?"
    ),
    "Have you taken measures to demonstrate your reliability": (
        "Har dere truffet tiltak for å vise at dere er pålitelige?"
    ),
    "Please describe them": "Beskriv dem",
    "Is this information available electronically?": "Er opplysningene tilgjengelige elektronisk?",
    "Is this information available online?": "Er opplysningene tilgjengelige på nett?",
    "Evidence Supplied": "Dokumentasjon (nettadresse)",
    "Country or member state concerned": "Berørt land eller medlemsstat",
    "Amount concerned": "Berørt beløp",
    "Has this breach of obligations been established by means other than a judicial or "
    "administrative decision?": (
        "Er bruddet fastslått på annen måte enn ved en rettslig eller administrativ avgjørelse?"
    ),
    "Please describe which means were used": "Beskriv hvordan det ble fastslått",
    "If this breach of obligations was established through a judicial or administrative "
    "decision, was this decision final and binding?": (
        "Hvis bruddet ble fastslått ved en rettslig eller administrativ avgjørelse, var "
        "avgjørelsen endelig og bindende?"
    ),
    "Please indicate the date of conviction or decision": "Dato for dommen eller avgjørelsen",
    "In case of a conviction insofar as established directly therein, the length of the period "
    "of exclusion": "Ved domfellelse, hvor lenge utelukkelsen varer etter dommen",
    "Has the economic operator fulfilled its obligations by paying or entering into a binding "
    "arrangement with a view to paying the taxes contributions due, including, where applicable, "
    "any interest accrued or fines?": (
        "Har leverandøren oppfylt forpliktelsene ved å betale, eller inngå en bindende avtale om "
        "å betale, skyldige skatter og avgifter, medregnet eventuelle renter og bøter?"
    ),
    "Has the economic operator fulfilled its obligations by paying or entering into a binding "
    "arrangement with a view to paying the social security contributions due, including, where "
    "applicable, any interest accrued or fines?": (
        "Har leverandøren oppfylt forpliktelsene ved å betale, eller inngå en bindende avtale om "
        "å betale, skyldige trygdeavgifter, medregnet eventuelle renter og bøter?"
    ),
    "Indicate reasons for being nevertheless to perform the contract": (
        "Begrunn hvorfor dere likevel kan oppfylle kontrakten"
    ),
    "Does the EO fulfil the criteria by itself?": "Oppfyller leverandøren kravet alene?",
    "In the case of no – Relied upon or not": "Hvis nei: støtter dere dere på andre enheter?",
    "Name of the entity": "Enhetens navn",
    "ID of the entity": "Enhetens organisasjonsnummer",
    "Registration number": "Registreringsnummer",
    "Reasons why your are not registered": "Begrunn hvorfor dere ikke er registrert",
    "Start date; End date": "Periode (fra og til)",
    "Amount": "Beløp",
    "In case the information concerning turnover (general or specific) is not available for the "
    "entire period required, please state the date on which the economic operator was set up or "
    "started trading:": (
        "Hvis omsetningstall ikke finnes for hele perioden: datoen leverandøren ble etablert "
        "eller startet virksomheten"
    ),
    "Reference description": "Beskrivelse av referansen",
    "Total amount": "Samlet beløp",
    "Activity of the economic operator": "Leverandørens rolle i oppdraget",
    "Specific amount": "Beløp for den aktuelle delen",
    "Period (Start and End dates)": "Periode (fra og til)",
    "Confidential": "Konfidensielt",
    "Recipient name": "Oppdragsgiver",
    "Contact person name": "Kontaktperson",
    "Contact email": "Kontaktpersonens e-post",
    "Contact telephone": "Kontaktpersonens telefon",
    "Please indicate the role of the economic operator in the group (leader, responsible for "
    "specific tasks...)": "Leverandørens rolle i gruppen (leder, ansvar for bestemte oppgaver …)",
    "Please identify the other economic operators participating in the procurement procedure "
    "together": "Oppgi de andre leverandørene som deltar sammen med dere",
    "Where applicable, name of the participating group:": "Eventuelt gruppens navn",
    "ID of the subcontractor": "Underleverandørens organisasjonsnummer",
    "Number of employees": "Antall ansatte",
    "Turnover": "Omsetning",
}


def question_text(description: str) -> str:
    """A question of the taxonomy in the active language (English when there is no Bokmål)."""
    return in_active_language(QUESTIONS_NB.get(description, description), description)
