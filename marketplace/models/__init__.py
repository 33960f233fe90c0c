from .audit import AuditEvent
from .classification import CpvCode, IndustryCode, cpv_prefix, cpv_range, cpv_under_q
from .notifications import Frequency, Notification, NotificationKind, NotificationPreference
from .organisations import (
    ADMIN_ROLES,
    BUYER_ROLES,
    SUPPLIER_ROLES,
    AccessRequest,
    Invitation,
    Membership,
    Organisation,
    OrganisationUnit,
    Role,
)
from .outbox import OutboxMessage
from .places import County, Municipality
from .profiles import (
    Certification,
    ContactPerson,
    EmployeeBand,
    SmeCategory,
    Stage,
    SupplierProfile,
    SupplierReference,
    TurnoverBand,
    ValueBand,
    Visibility,
    derive_sme_category,
)
from .tokens import PersonalApiToken, ThrottleCounter, TokenScope
from .users import User

__all__ = [
    "ADMIN_ROLES",
    "BUYER_ROLES",
    "SUPPLIER_ROLES",
    "AccessRequest",
    "AuditEvent",
    "Certification",
    "ContactPerson",
    "County",
    "CpvCode",
    "EmployeeBand",
    "Frequency",
    "IndustryCode",
    "Invitation",
    "Membership",
    "Municipality",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Organisation",
    "OrganisationUnit",
    "OutboxMessage",
    "PersonalApiToken",
    "Role",
    "SmeCategory",
    "Stage",
    "SupplierProfile",
    "SupplierReference",
    "ThrottleCounter",
    "TokenScope",
    "TurnoverBand",
    "User",
    "ValueBand",
    "Visibility",
    "cpv_prefix",
    "cpv_range",
    "cpv_under_q",
    "derive_sme_category",
]
