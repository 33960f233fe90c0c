"""Forms of the tenders app, one module per area."""
