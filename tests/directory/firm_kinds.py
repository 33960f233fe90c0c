"""Firms of every size and several stages, for the directory's filter tests."""

# (employee band, turnover band, stage): micro, small, medium and large firms
FIRM_KINDS = [
    ("1-9", "0-20m", "startup"),
    ("10-49", "0-20m", "established"),
    ("50-249", "", "scaleup"),
    ("250+", "", "large"),
]
