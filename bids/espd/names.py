"""Bokmål names of the ESPD criteria (the taxonomy has English only), and the default set.

Names follow the Norwegian ESPD service (DFØ, anskaffelser.no) where it has them. A criterion
without a Bokmål name here shows its English name.
"""

from __future__ import annotations

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
