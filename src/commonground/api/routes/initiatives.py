"""The caller, their initiative and its partners."""

from datetime import date, datetime

from ninja import Query, Router, Schema

from commonground.api import scope
from commonground.api.errors import NotFound
from commonground.api.lists import Filters, Page, PageParams, paginate
from commonground.api.schemas import Slug, Text, choice, exact, read
from commonground.initiatives.models import Initiative, Organization, Partnership
from commonground.initiatives.roles import Role

router = Router(tags=["Initiatives and partners"])


class TokenOut(Schema):
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class MeOut(Schema):
    name: str
    username: str
    initiative: str
    role: choice(Role)
    partner: str | None
    permissions: list[str]
    token: TokenOut


class InitiativeOut(Schema):
    slug: Slug
    name: str
    issue_area: str
    geography: str
    description: str
    stage: choice(Initiative.Stage)
    fiscal_year_start_month: int
    school_year_start_month: int
    suppression_threshold: int
    is_public: bool
    your_role: choice(Role)
    your_partner: str | None
    your_permissions: list[str]


class PartnerOut(Schema):
    code: str
    name: str
    sector: choice(Organization.Sector)
    status: choice(Partnership.Status)
    joined_on: date | None
    left_on: date | None
    website: str
    description: str
    annual_budget: str | None
    working_groups: list[str]


class PartnerFilters(Filters):
    LOOKUPS = {"sector": "organization__sector", "status": "status"}

    sector: choice(Organization.Sector) | None = None
    status: choice(Partnership.Status) | None = None


@router.get("/me", response=read(MeOut), summary="Who the token acts for")
def me(request):
    """The token's person, initiative, role and what the role may do there."""
    access, token = request.access, request.api_token
    return {
        "name": token.user.get_full_name() or token.user.get_username(),
        "username": token.user.get_username(),
        "initiative": access.initiative.slug,
        "role": access.role,
        "partner": access.partnership.code if access.partnership else None,
        "permissions": sorted(access.permissions),
        "token": token,
    }


INITIATIVE_FIELDS = [
    "slug",
    "name",
    "issue_area",
    "geography",
    "description",
    "stage",
    "fiscal_year_start_month",
    "school_year_start_month",
    "suppression_threshold",
    "is_public",
]


def _initiative(access) -> dict:
    initiative = access.initiative
    return {
        **{field: getattr(initiative, field) for field in INITIATIVE_FIELDS},
        "your_role": access.role,
        "your_partner": access.partnership.code if access.partnership else None,
        "your_permissions": sorted(access.permissions),
    }


@router.get(
    "/initiatives", response=read(Page[InitiativeOut]), summary="The initiatives of the token"
)
def list_initiatives(request, paging: Query[PageParams]):
    """A token is scoped to one initiative: this list holds that one."""
    queryset = Initiative.objects.filter(pk=request.access.initiative.pk)
    return paginate(request, queryset, paging, lambda _: _initiative(request.access))


@router.get("/initiatives/{slug}", response=read(InitiativeOut), summary="One initiative")
def get_initiative(request, slug: Slug):
    return _initiative(scope.access(request, slug))


def _partners(initiative):
    return (
        Partnership.objects.filter(initiative=initiative)
        .select_related("organization")
        .prefetch_related("working_groups")
        .order_by("organization__name", "pk")
    )


def _partner(partnership: Partnership) -> dict:
    organization = partnership.organization
    return {
        "code": partnership.code,
        "name": organization.name,
        "sector": organization.sector,
        "status": partnership.status,
        "joined_on": partnership.joined_on,
        "left_on": partnership.left_on,
        "website": organization.website,
        "description": organization.description,
        "annual_budget": exact(organization.annual_budget),
        "working_groups": sorted(group.code for group in partnership.working_groups.all()),
    }


@router.get("/initiatives/{slug}/partners", response=read(Page[PartnerOut]), summary="The partners")
def list_partners(request, slug: Slug, filters: Query[PartnerFilters], paging: Query[PageParams]):
    """Every partner organization of the initiative, by name (every member sees them)."""
    access = scope.access(request, slug)
    return paginate(request, filters.narrow(_partners(access.initiative)), paging, _partner)


@router.get("/initiatives/{slug}/partners/{code}", response=read(PartnerOut), summary="One partner")
def get_partner(request, slug: Slug, code: Text):
    access = scope.access(request, slug)
    partnership = _partners(access.initiative).filter(code=code).first()
    if partnership is None:
        raise NotFound
    return _partner(partnership)
