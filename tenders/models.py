"""Needs, tenders, lots, bids and pilots arrive in later issues."""
