"""The roles a membership can carry (SPEC §1). What each role may do is in ``core.permissions``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BACKBONE_LEAD = "backbone_lead", _("Backbone lead")
    DATA_MANAGER = "data_manager", _("Data manager")
    FACILITATOR = "facilitator", _("Facilitator")
    STEERING_MEMBER = "steering_member", _("Steering committee member")
    PARTNER_LEAD = "partner_lead", _("Partner lead")
    PARTNER_REPORTER = "partner_reporter", _("Partner reporter")
    FUNDER = "funder", _("Funder")
    VIEWER = "viewer", _("Viewer")


# Roles that act on behalf of one partner organization and must name its partnership.
PARTNER_ROLES = frozenset({Role.PARTNER_LEAD, Role.PARTNER_REPORTER})
# Roles whose membership may name the partnership it acts for: partner roles must; a funder
# may, so that it records its foundation's grants as that partner's (SPEC §3.3.6). Naming one
# gives a funder no partner permission: those follow the role (``core.permissions``).
ORGANIZATION_ROLES = PARTNER_ROLES | {Role.FUNDER}
