"""Page titles name the site once (WCAG 2.4.2): base.html adds " – Pilotmarked" to every
``{% block title %}``, so no template repeats it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def test_no_title_block_repeats_the_site_name():
    templates = Path(settings.BASE_DIR) / "templates"
    repeated = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if any("Pilotmarked" in block for block in TITLE_BLOCK.findall(path.read_text()))
    ]

    assert repeated == []


def test_the_base_template_adds_the_site_name_once(client, db):
    html = client.get("/accounts/login/").content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.count("Pilotmarked") == 1
