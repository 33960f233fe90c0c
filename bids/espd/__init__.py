"""The European Single Procurement Document (ESPD-EDM 4.1.0) for above-threshold tenders.

The buyer attaches an ESPD request to a tender (exclusion grounds and selection criteria chosen
from the taxonomy, stored in the database: ``bids.models.EspdCriterion``); every organisation of
a bid (the lead supplier and each consortium member) answers it in an ``EspdResponse`` sealed
with the bid's data key like the rest of the bid. ``bids.espd.xml`` writes the ESPD response
XML, ``bids.espd.validation`` checks it against the XSD and the business rules,
``bids.espd.importing`` reads one made in another tool.
"""
