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
