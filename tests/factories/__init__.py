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
from .events import (  # noqa: E402
    EventRegistrationFactory,
    make_event,
    make_event_index,
    make_indicators_page,
    translate,
)

__all__ += [
    "EventRegistrationFactory",
    "make_event",
    "make_event_index",
    "make_indicators_page",
    "translate",
]
from .cms_pages import (  # noqa: E402
    make_accessibility_statement,
    make_faq,
    make_guide,
    make_news,
    make_news_index,
    make_story,
    make_story_index,
)

__all__ += [
    "make_accessibility_statement",
    "make_faq",
    "make_guide",
    "make_news",
    "make_news_index",
    "make_story",
    "make_story_index",
]
