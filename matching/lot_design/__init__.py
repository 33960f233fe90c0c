"""The lot-design aid: who could bid on a tender, its lots and proposed splits (issue 16).

``tally`` counts the registry in SQL, ``design`` builds and compares the designs, and
``justification`` drafts and keeps the reason for not dividing a purchase (FOA § 19-4).
"""
