from .award import AwardDecision, AwardLetter
from .bids import Bid, BidDocument, BidQuerySet, ConsortiumMember, TenderOpening, bid_document_path
from .espd import EspdCriterion, EspdRequest, EspdResponse
from .evaluation import (
    ConsensusScore,
    EvaluatorAssignment,
    QualificationAssessment,
    Score,
)

__all__ = [
    "AwardDecision",
    "AwardLetter",
    "Bid",
    "BidDocument",
    "BidQuerySet",
    "ConsensusScore",
    "ConsortiumMember",
    "EspdCriterion",
    "EspdRequest",
    "EspdResponse",
    "EvaluatorAssignment",
    "QualificationAssessment",
    "Score",
    "TenderOpening",
    "bid_document_path",
]
