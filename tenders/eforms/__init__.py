"""Our own notices for Doffin as eForms XML (UBL 2.3 with the eForms extensions).

- ``content``: what a notice says, read from a tender (form, legal basis, lots, results).
- ``notices``: the XML, built with lxml (``notice_xml(tender, kind=...)``).
- ``identifiers``: notice UUID and version, procedure id, ``LOT-0001``, ``ORG-0001``.
- ``validation``: the SDK's XSD (lxml) and Schematron rules (saxonche, compiled once, cached).

The eForms SDK is reference data, not part of the product: generation needs nothing of it,
validation names the missing setting (``EFORMS_SDK_DIR``) instead of guessing. See
docs/adr/0016-eforms-notices.md.
"""
