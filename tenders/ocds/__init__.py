"""Open Contracting Data Standard (OCDS 1.1) releases and records for our own tenders.

Imported Doffin tenders are not published here: Doffin publishes them itself.
"""
