"""Open Contracting Data Standard (OCDS 1.1) releases and records for our own tenders.

``releases`` builds a tender's releases as it reads now, ``store`` keeps each one as published
(``tenders.OcdsRelease``), ``packages`` wraps them in release and record packages (records
compiled by ocdsmerge), ``views`` serves them and the bulk files. Imported Doffin tenders are not
published here: Doffin publishes them itself. See docs/ocds.md.
"""
