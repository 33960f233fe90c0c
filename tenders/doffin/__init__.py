"""Reading Doffin notices: eForms UBL XML and the JSON scrape of EU form F02 notices.

Parsers here are pure (no database): each turns a file into ``(position, DoffinNotice)`` pairs
or raises :class:`MalformedNotice` naming the position. ``tenders.services.doffin`` writes them.
"""

from .notices import DoffinNotice, MalformedNotice, NoticeLot, read_notices

__all__ = ["DoffinNotice", "MalformedNotice", "NoticeLot", "read_notices"]
