from .index import SearchDocument, SearchFacet

__all__ = ["SearchDocument", "SearchFacet"]
