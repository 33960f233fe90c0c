from .arenas import TestArena
from .dialogue import Follow, Question
from .eforms import NoticeSubmission
from .needs import Need, NeedInvitation, NeedResponse, Theme
from .tenders import (
    Amendment,
    Criterion,
    Lot,
    Procedure,
    QualificationRequirement,
    ReferenceCounter,
    Source,
    Tender,
    TenderDocument,
)
from .thresholds import ContractType, Threshold, ThresholdBand, threshold_band

__all__ = [
    "Amendment",
    "ContractType",
    "Criterion",
    "Follow",
    "Lot",
    "Need",
    "NeedInvitation",
    "NeedResponse",
    "NoticeSubmission",
    "Procedure",
    "QualificationRequirement",
    "Question",
    "ReferenceCounter",
    "Source",
    "Tender",
    "TenderDocument",
    "TestArena",
    "Theme",
    "Threshold",
    "ThresholdBand",
    "threshold_band",
]
