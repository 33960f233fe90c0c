"""How moments and numbers are written for people: the one home for both.

Moments are stored in UTC and always shown in Oslo time with the zone named, CET in winter and
CEST in summer, in the active language's style (never Django's US-style English defaults):

- Bokmål: "7. desember 2026", "7. desember 2026 kl. 17:03 (norsk tid, CET)"
- English: "7 December 2026", "7 December 2026 at 17:03 (Oslo time, CET)"

Numbers and money follow the active language's conventions (Django's locale formats, with the
thousands grouped by a no-break space in Bokmål):

- Bokmål: "8,50", "1 250 000", "1 250 000 kr"
- English: "8.50", "1,250,000", "NOK 1,250,000"

Pages, e-mails (rendered in the recipient's language by ``translation.override``), letters and
downloads call these functions; templates reach them through the ``formatting`` filters
(``marketplace/templatetags/formatting.py``). Services import this module, never a template-tag
module. Machine-readable stamps (ISO 8601 in ``<time datetime>``, APIs, audit data) are not
formatted here.
"""

from __future__ import annotations

import datetime
import decimal
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from marketplace.i18n import english_active

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")

Number = int | float | decimal.Decimal | str


Moment = datetime.datetime | str


def _moment(value: Moment) -> datetime.datetime:
    """An aware datetime from ``value``: a datetime (a naive one is taken as UTC) or the ISO 8601
    text a JSON record keeps (an opening protocol, a letter)."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a moment: {value!r}")
        value = parsed
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def to_oslo(value: Moment) -> datetime.datetime:
    """``value`` as a wall-clock time in Oslo."""
    return timezone.localtime(_moment(value), OSLO)


def utc_stamp(value: Moment) -> str:
    """The instant as ISO 8601 in UTC ("2026-12-07T16:03:00Z"), for ``<time datetime>``."""
    return _moment(value).astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def format_date(value: datetime.date | Moment | None) -> str:
    """The calendar date in the active language; a moment is taken in Oslo time first."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime | str):
        value = to_oslo(value)
    # Translators: a PHP-style date format (Django's date filter), e.g. "j. F Y" in Bokmål.
    return date_format(value, _("j F Y"))


def format_time(value: Moment, *, seconds: bool = False) -> str:
    """The Oslo wall-clock time, 24-hour ("17:03", or "17:03:09" with ``seconds``)."""
    return to_oslo(value).strftime("%H:%M:%S" if seconds else "%H:%M")


def format_datetime(value: Moment | None, *, seconds: bool = False) -> str:
    """Date, time and the named zone in the active language."""
    if value is None or value == "":
        return ""
    local = to_oslo(value)
    return _("%(date)s at %(time)s (Oslo time, %(zone)s)") % {
        "date": format_date(local),
        "time": format_time(local, seconds=seconds),
        "zone": local.tzname(),
    }


def _decimal(value: Number) -> decimal.Decimal:
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def format_number(value: Number | None, places: int | None = None) -> str:
    """``value`` with the active language's decimal sign and thousands grouping.

    ``places`` fixes the decimals (rounded half up); without it a Decimal or a text such as
    "8.50" keeps the decimals it has, and a whole number shows none.
    """
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if places is None:
        exponent = number.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    number = number.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_money(value: Number | None, currency: str = "NOK") -> str:
    """An amount with its currency: "1 250 000 kr" / "NOK 1,250,000"; øre only when there are
    any ("8 500,50 kr")."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    places = 0 if number == number.to_integral_value() else 2
    amount = format_number(number, places)
    currency = (currency or "NOK").upper()
    if english_active():
        return f"{currency}\N{NO-BREAK SPACE}{amount}"
    unit = "kr" if currency == "NOK" else currency
    return f"{amount}\N{NO-BREAK SPACE}{unit}"
