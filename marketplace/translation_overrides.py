"""Texts of Django, Wagtail and allauth that our Bokmål catalog translates or corrects.

``make messages`` only keeps messages it finds in our code, so the texts of other packages that
we translate are listed here (never evaluated: ``gettext_noop`` and lazy objects). Our catalog
comes first in ``LOCALE_PATHS``, so its translation wins over the package's own:

- Django 5.2 changed the too-short password message to ``%d`` and its Bokmål catalog still has
  only the older ``%(min_length)d`` text, so Bokmål pages showed it in English;
- Wagtail's Bokmål catalog spells "Tittel" as "Tiittel" in the page title's help text;
- django-allauth's Bokmål is stiff or wrong on the account pages ("Endre Passord", "Vennligst
  bekreft din e-postadresse", "Ugyldig token"): ours reads as plain Bokmål (issue 18).

allauth's English is in Title Case ("Sign In", "Forgot Password?"); the site writes sentence
case, so ``locale/en/LC_MESSAGES/django.po`` (kept by hand, English needs no other catalog)
gives those texts in sentence case: "Sign in", "Change password".
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    gettext_noop("The page title as you'd like it to be seen by the public"),
    # django-allauth's account pages
    gettext_noop("Change Password"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Password Reset Email"),
    gettext_noop("Set Password"),
    gettext_noop("Bad Token"),
    gettext_noop("Account Already Exists"),
    gettext_noop("Make Primary"),
    gettext_noop("Email Verification"),
)
