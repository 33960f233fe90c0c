from .documents import SearchDocument, SearchFacet

__all__ = ["SearchDocument", "SearchFacet"]
