from .audit import AuditEvent
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
from .places import County, Municipality
from .users import User

__all__ = [
    "ADMIN_ROLES",
    "BUYER_ROLES",
    "SUPPLIER_ROLES",
    "AccessRequest",
    "AuditEvent",
    "County",
    "Frequency",
    "Invitation",
    "Membership",
    "Municipality",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Organisation",
    "OrganisationUnit",
    "Role",
    "User",
]
