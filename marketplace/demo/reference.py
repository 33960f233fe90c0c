"""The demo's slice of the official reference lists, so `make run` needs no data files.

``cpv_demo.csv`` and ``sn2007_demo.csv`` are rows copied from the official files (every
CPV division, the codes the demo uses and their ancestors), written by
``scripts/make_demo_reference.py``. The full lists are loaded with ``make import-reference``.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CPV_DEMO_FILE = HERE / "cpv_demo.csv"
SN2007_DEMO_FILE = HERE / "sn2007_demo.csv"

# eForms NUTS-3 code of Akershus (anskaffelser/eforms-sdk-nor).
AKERSHUS_NUTS = "NO084"
