"""English as this site writes it: day before month and a 24-hour clock, never US style
("Dec. 7, 2026, 5:03 a.m."); the same order as ``marketplace.formatting`` uses. Input formats
and numbers stay Django's."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
