from .arenas import TestArena
from .dialogue import Follow, Question
from .eforms import NoticeSubmission
from .needs import Need, NeedInvitation, NeedResponse, Theme
from .ocds import OcdsRelease, ReleaseImmutableError
from .tenders import (
    Amendment,
    ClimateConsideration,
    Criterion,
    Lot,
    Procedure,
    QualificationRequirement,
    ReferenceCounter,
    Source,
    Tender,
    TenderDocument,
)
from .thresholds import (
    ContractType,
    Threshold,
    ThresholdBand,
    contract_type_for_cpv,
    cpv_contract_type_message,
    cpv_fits_contract_type,
    threshold_band,
)

__all__ = [
    "Amendment",
    "ClimateConsideration",
    "ContractType",
    "Criterion",
    "Follow",
    "Lot",
    "Need",
    "NeedInvitation",
    "NeedResponse",
    "NoticeSubmission",
    "OcdsRelease",
    "Procedure",
    "QualificationRequirement",
    "Question",
    "ReferenceCounter",
    "ReleaseImmutableError",
    "Source",
    "Tender",
    "TenderDocument",
    "TestArena",
    "Theme",
    "Threshold",
    "ThresholdBand",
    "contract_type_for_cpv",
    "cpv_contract_type_message",
    "cpv_fits_contract_type",
    "threshold_band",
]
