"""factory_boy factories per model. Use ``.build()`` when no row is needed."""

from .organisations import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    UserFactory,
)

__all__ = [
    "BuyerFactory",
    "MembershipFactory",
    "OrganisationUnitFactory",
    "SupplierFactory",
    "UserFactory",
]
from .directory import ListedSupplierProfileFactory, cpv_code, municipality

__all__ += ["ListedSupplierProfileFactory", "cpv_code", "municipality"]
from .tenders import (  # noqa: E402
    AmendmentFactory,
    CriterionFactory,
    FollowFactory,
    LotFactory,
    NeedFactory,
    NeedInvitationFactory,
    NeedResponseFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
    TestArenaFactory,
)

__all__ += [
    "AmendmentFactory",
    "CriterionFactory",
    "FollowFactory",
    "LotFactory",
    "NeedFactory",
    "NeedInvitationFactory",
    "NeedResponseFactory",
    "QualificationRequirementFactory",
    "QuestionFactory",
    "TenderDocumentFactory",
    "TenderFactory",
    "TestArenaFactory",
]
from .profiles import (  # noqa: E402
    ContactPersonFactory,
    SupplierProfileFactory,
    SupplierReferenceFactory,
)

__all__ += ["ContactPersonFactory", "SupplierProfileFactory", "SupplierReferenceFactory"]
