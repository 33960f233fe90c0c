"""Published profiles for the three demo suppliers, so the directory has something to show.

``seed_demo_profiles`` is one step of ``seed_demo``: it runs after the registry's demo CPV and
SN2007 subset and the demo people are in place, fills in a profile only where a supplier has
none (idempotent), and skips any code that is not in the database.
"""

from __future__ import annotations

from django.db import transaction

from marketplace.models import (
    Certification,
    ContactPerson,
    County,
    CpvCode,
    IndustryCode,
    Municipality,
    Organisation,
    SupplierProfile,
    SupplierReference,
    User,
)
from marketplace.services.audit import audit_record

from .data import AKERSHUS

# One entry per demo supplier (marketplace/demo/data.py SUPPLIERS), keyed by org number.
PROFILES: dict[str, dict] = {
    "921000006": {
        "fields": {
            "description_nb": (
                "Nordlys Sensorikk utvikler rimelige sensorer som måler føre, lys og luftkvalitet "
                "langs fylkesveier og i skolebygg. Dataene går til en åpen skyplattform som "
                "driftsleverandører og etater kan bruke direkte. Vi er et ungt team fra "
                "Kjeller som gjerne tester løsningene sammen med en pilotkunde."
            ),
            "description_en": (
                "Nordlys Sensorikk builds low-cost sensors that measure road conditions, light "
                "and air quality along county roads and in school buildings. The data flows to an "
                "open cloud platform that maintenance contractors and agencies can use directly. "
                "We are a young team from Kjeller and welcome a pilot customer to test with us."
            ),
            "keywords": ["sensorer", "IoT", "vinterdrift", "luftkvalitet", "åpne data"],
            "street_address": "Instituttveien 18",
            "postal_code": "2007",
            "postal_place": "Kjeller",
            "employee_band": "1-9",
            "turnover_band": "0-20m",
            "stage": "startup",
            "founded_year": 2021,
            "technology_readiness_level": 6,
            "open_to_pilots": True,
            "interested_in_test_arenas": True,
            "size_visibility": "public",
            "references_visibility": "public",
            "contact_visibility": "public",
        },
        "industry_code": "26.510",
        "municipality": "3205",
        "cpv_codes": ["38430000", "38431000", "72212000", "48000000", "73000000"],
        "delivery_counties": [AKERSHUS[0]],
        "delivery_municipalities": [],
        "certifications": [],
        "references": [
            {
                "customer": "Lillestrøm kommune",
                "public_sector": True,
                "year": 2024,
                "value_band": "0-100k",
                "description": (
                    "Pilot with road-surface sensors at three school crossings through one winter, "
                    "with an open data feed for the winter maintenance contractor."
                ),
            }
        ],
        "contact": {
            "email": "grunder@nordlys.test",
            "name": "Nora Gründer",
            "title": "Daglig leder og gründer",
            "phone": "+47 400 00 006",
        },
    },
    "921000073": {
        "fields": {
            "description_nb": (
                "Bakke & Berg Miljøteknikk henter, sorterer og gjenvinner avfall fra bygge- og "
                "anleggsplasser i Follo, og rydder forurenset grunn. Vi har egne kjøretøy på "
                "biogass og el, og dokumenterer sorteringsgrad per prosjekt."
            ),
            "description_en": (
                "Bakke & Berg Miljøteknikk collects, sorts and recycles waste from building and "
                "construction sites in Follo, and cleans up contaminated ground. Our vehicles run "
                "on biogas and electricity, and we document the sorting rate of every project."
            ),
            "keywords": ["avfall", "gjenvinning", "byggavfall", "miljøsanering", "sirkulær"],
            "street_address": "Industriveien 7",
            "postal_code": "1430",
            "postal_place": "Ås",
            "employee_band": "10-49",
            "turnover_band": "20-100m",
            "stage": "established",
            "founded_year": 2009,
            "open_to_pilots": True,
            "interested_in_test_arenas": False,
            "other_certifications": "Godkjent for håndtering av farlig avfall (Statsforvalteren)",
            "size_visibility": "public",
            "references_visibility": "buyers",
            "contact_visibility": "public",
        },
        "industry_code": "38.110",
        "municipality": "3218",
        "cpv_codes": ["90000000", "90500000", "45000000", "71000000"],
        "delivery_counties": [],
        "delivery_municipalities": ["3207", "3218", "3216", "3214", "3212", "3220"],
        "certifications": ["iso-14001", "miljofyrtarn", "startbank"],
        "references": [
            {
                "customer": "Nordre Follo kommune",
                "public_sector": True,
                "year": 2023,
                "value_band": "1.3m-2.3m",
                "description": (
                    "Collection and sorting of construction waste from two school building "
                    "projects; 91 % sorted and documented per fraction."
                ),
            }
        ],
        "contact": {
            "email": "daglig.leder@bakkeberg.test",
            "name": "Berit Bakke",
            "title": "Daglig leder",
            "phone": "+47 640 00 073",
        },
    },
    "921000146": {
        "fields": {
            "description_nb": (
                "Storby Digital leverer IT-tjenester til offentlig sektor i hele landet: "
                "utvikling og drift av fagsystemer, integrasjoner og skytjenester. Vi tar gjerne "
                "med mindre selskaper som underleverandører i større leveranser."
            ),
            "description_en": (
                "Storby Digital delivers IT services to the public sector across Norway: "
                "development and operation of case-handling systems, integrations and cloud "
                "services. We are glad to bring smaller firms in as subcontractors on larger "
                "deliveries."
            ),
            "keywords": ["fagsystemer", "integrasjon", "skytjenester", "drift"],
            "street_address": "Fornebuveien 40",
            "postal_code": "1366",
            "postal_place": "Lysaker",
            "employee_band": "250+",
            "turnover_band": "500m+",
            "stage": "large",
            "founded_year": 1998,
            "open_to_pilots": False,
            "interested_in_test_arenas": True,
            "delivers_nationwide": True,
            "size_visibility": "public",
            "references_visibility": "public",
            "contact_visibility": "buyers",
        },
        "industry_code": "62.020",
        "municipality": "3201",
        "cpv_codes": ["72000000", "72200000", "72210000", "72222300", "48000000"],
        "delivery_counties": [],
        "delivery_municipalities": [],
        "certifications": ["iso-9001", "iso-27001"],
        "references": [
            {
                "customer": "Viken fylkeskommune",
                "public_sector": True,
                "year": 2022,
                "value_band": "10m+",
                "description": "Operation and further development of a case-handling system.",
            }
        ],
        "contact": {
            "email": "anbud@storbydigital.test",
            "name": "Stian Storby",
            "title": "Tilbudsansvarlig",
            "phone": "+47 670 00 146",
        },
    },
}


def _fill_profile(organisation: Organisation, spec: dict) -> SupplierProfile:
    profile = SupplierProfile(organisation=organisation, is_published=True, **spec["fields"])
    profile.industry_code = IndustryCode.objects.filter(code=spec["industry_code"]).first()
    profile.municipality = Municipality.objects.filter(number=spec["municipality"]).first()
    profile.full_clean()
    profile.save()
    # Only codes and places that exist: the demo subset may lack one, a full import has all.
    profile.cpv_codes.set(CpvCode.objects.filter(code__in=spec["cpv_codes"]))
    profile.delivery_counties.set(County.objects.filter(number__in=spec["delivery_counties"]))
    profile.delivery_municipalities.set(
        Municipality.objects.filter(number__in=spec["delivery_municipalities"])
    )
    profile.certifications.set(Certification.objects.filter(slug__in=spec["certifications"]))
    for reference in spec["references"]:
        row = SupplierReference(profile=profile, **reference)
        row.full_clean()
        row.save()
    contact = dict(spec["contact"])
    contact_user = User.objects.filter(email=contact["email"]).first()
    ContactPerson.objects.create(profile=profile, user=contact_user, **contact)
    return profile


@transaction.atomic
def seed_demo_profiles(stdout) -> int:
    """Give each demo supplier without a profile its listed demo profile; returns rows created."""
    created = 0
    for org_number, spec in PROFILES.items():
        organisation = Organisation.objects.suppliers().filter(org_number=org_number).first()
        if (
            organisation is None
            or SupplierProfile.objects.filter(organisation=organisation).exists()
        ):
            continue
        profile = _fill_profile(organisation, spec)
        created += 1 + len(spec["references"]) + 1
        audit_record(
            actor=None,
            action="demo.profile_seeded",
            obj=profile,
            organisation=organisation,
            after={"cpv_codes": sorted(c.code for c in profile.cpv_codes.all())},
        )
    listed = SupplierProfile.objects.published().count()
    stdout.write(
        f"  supplier profiles: {created} demo rows added, {listed} listed in the directory"
    )
    return created
