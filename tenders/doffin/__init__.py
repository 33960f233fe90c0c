"""Reading Doffin notices: eForms UBL XML and the JSON scrape of EU form F02 notices.

Parsers here are pure (no database): each turns a file into ``(position, DoffinNotice)`` pairs
or raises :class:`MalformedNotice` naming the position (``read_notices``: all or nothing), or
gives each entry that cannot be read as its MalformedNotice (``read_entries``, for importing the
valid entries of a file). ``tenders.services.doffin`` writes them.
"""

from .notices import DoffinNotice, MalformedNotice, NoticeLot
from .reading import read_entries, read_notices

__all__ = ["DoffinNotice", "MalformedNotice", "NoticeLot", "read_entries", "read_notices"]
