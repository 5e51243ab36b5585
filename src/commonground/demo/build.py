"""Building the demo initiative: framework, accounts, and the real data through the real flow.

``build_demo`` loads ``cradle-to-career.yaml`` with the framework loader, gives every role an
account, and then, for every (partner, period), has that partner's reporter open the report,
save its values and submit it, and the data manager approve it — through the same service
functions a person's clicks go through, so the audit log reads like a real initiative's.

Running it again adds only what is missing and changes nothing else:

* the framework loader is idempotent by design;
* accounts and memberships that exist are left as they are (a changed password stays changed);
* a report that is already approved is not touched, even if the data files changed since
  (approved data is locked; SPEC §3.1.6); a report that is submitted but not approved is left
  for the data manager; a draft or returned report gets its missing values, then is
  submitted and approved.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from commonground.demo import agenda as demo_agenda
from commonground.demo import assessments as demo_assessments
from commonground.demo import decisions as demo_decisions
from commonground.demo import discussions as demo_discussions
from commonground.demo import funding as demo_funding
from commonground.demo import improvement as demo_improvement
from commonground.demo import meetings as demo_meetings
from commonground.demo import network as demo_network
from commonground.demo import plan as demo_plan
from commonground.demo.stepping_stones import SourceValue, iter_values
from commonground.initiatives.models import Initiative, Membership, Partnership
from commonground.initiatives.roles import Role
from commonground.initiatives.services import add_member
from commonground.measurement import services
from commonground.measurement.framework import load_framework_file
from commonground.measurement.models import Indicator, Submission

FRAMEWORK_FILE = Path(__file__).with_name("cradle-to-career.yaml")
EMAIL_DOMAIN = "demo.commonground.local"
# One documented password for every demo account, so the README can name it. The demo is for
# trying the software on one's own machine, never for a server others can reach.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105
APPROVAL_COMMENT = "Checked against the published Stepping Stones figures."


@dataclass(frozen=True)
class DemoAccount:
    """One demo person: a role in the initiative, and the partner it acts for (if any)."""

    local_part: str
    role: str
    partner: str | None
    first_name: str
    last_name: str

    @property
    def username(self) -> str:
        return f"{self.local_part}@{EMAIL_DOMAIN}"


# One account per role, a second reporter so each division has its own, and a lead for every
# partner (they sign the charter and sit in the bodies). The people are invented.
ACCOUNTS = [
    DemoAccount("lead", Role.BACKBONE_LEAD, None, "Avery", "Marsh"),
    DemoAccount("data", Role.DATA_MANAGER, None, "Dana", "Okafor"),
    DemoAccount("facilitator", Role.FACILITATOR, None, "Felix", "Romero"),
    DemoAccount("steering", Role.STEERING_MEMBER, None, "Sam", "Whitfield"),
    DemoAccount("acps.lead", Role.PARTNER_LEAD, "acps", "Priya", "Anand"),
    DemoAccount("acps.reporter", Role.PARTNER_REPORTER, "acps", "Ray", "Castillo"),
    DemoAccount("ccs.reporter", Role.PARTNER_REPORTER, "ccs", "Rosa", "Bennett"),
    DemoAccount("ccs.lead", Role.PARTNER_LEAD, "ccs", "Marcus", "Lee"),
    DemoAccount("rivanna-reads.lead", Role.PARTNER_LEAD, "rivanna-reads", "Hannah", "Brooks"),
    DemoAccount("bluebird-health.lead", Role.PARTNER_LEAD, "bluebird-health", "Omar", "Haddad"),
    DemoAccount("hilltop-mentors.lead", Role.PARTNER_LEAD, "hilltop-mentors", "Grace", "Kim"),
    DemoAccount("neighbors-table.lead", Role.PARTNER_LEAD, "neighbors-table", "Luis", "Ortega"),
    # The funder acts for its foundation, so its grants are recorded as that partner's.
    DemoAccount("funder", Role.FUNDER, "cardinal-fund", "Frances", "Hale"),
    DemoAccount("viewer", Role.VIEWER, None, "Vic", "Tran"),
]


@dataclass
class DemoResult:
    """What ``build_demo`` did, for the command's output and the tests."""

    initiative: Initiative
    password: str
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, partner
    accounts_created: int = 0
    values_saved: int = 0
    values_locked: int = 0  # in reports already submitted or approved: left as they are
    submissions_approved: int = 0
    seconds: float = 0.0


class _Output:
    """Writes progress lines to ``stdout`` if one was given."""

    def __init__(self, stdout):
        self.stdout = stdout

    def line(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")
            if hasattr(self.stdout, "flush"):
                self.stdout.flush()


def build_demo(stdout=None) -> DemoResult:
    """Create or complete the demo initiative in one transaction; see the module docstring."""
    started = time.monotonic()
    out = _Output(stdout)
    with transaction.atomic():
        initiative = load_framework_file(FRAMEWORK_FILE).initiative
        out.line(f"Framework loaded: {initiative.name}")
        result = DemoResult(initiative=initiative, password=DEMO_PASSWORD)
        users = _ensure_accounts(initiative, result)
        out.line(f"Accounts: {len(ACCOUNTS)} ({result.accounts_created} new)")
        _load_values(initiative, users, result, out)
        _build_areas(initiative, users, out)
    result.seconds = time.monotonic() - started
    out.line(
        f"Done in {result.seconds:.1f} s: {result.values_saved} values saved, "
        f"{result.submissions_approved} reports approved."
    )
    return result


def _build_areas(initiative: Initiative, users: dict, out: "_Output") -> None:
    """The rest of the initiative, each area building on the ones before it. Goals and
    strategies come with the framework file; the plan's activities come first (charter
    signatures list them), then the meetings (they fill the bodies' people, who vote on the
    agenda), the agenda's versions and signatures, improvement and funding, and last the
    decisions, action items and threads that refer to past meetings; last, two rounds of the
    network survey and of each self-assessment (community voice counts the bodies' people)."""
    for area in (
        demo_plan,
        demo_meetings,
        demo_agenda,
        demo_improvement,
        demo_funding,
        demo_decisions,
        demo_discussions,
        demo_network,
        demo_assessments,
    ):
        area.build(initiative, users, out)


# Accounts ---------------------------------------------------------------------------------------


def _ensure_accounts(initiative: Initiative, result: DemoResult) -> dict[str, object]:
    """Each demo account and its membership, created if missing; returns users by local part."""
    partnerships = {p.code: p for p in initiative.partnerships.select_related("organization")}
    users = {}
    # Hashing is slow on purpose (about 0.2 s); every account has the same documented
    # password, so it is hashed once per build.
    password_hash = None
    for account in ACCOUNTS:
        partnership = partnerships[account.partner] if account.partner else None
        user = get_user_model().objects.filter(username=account.username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = _create_user(account, password_hash)
            result.accounts_created += 1
        _ensure_membership(initiative, user, account.role, partnership)
        users[account.local_part] = user
        result.accounts.append(
            (
                Role(account.role).label,
                account.username,
                partnership.organization.name if partnership else "",
            )
        )
    return users


def _create_user(account: DemoAccount, password_hash: str):
    user = get_user_model()(
        username=account.username,
        email=account.username,
        first_name=account.first_name,
        last_name=account.last_name,
        password=password_hash,
    )
    user.save()
    return user


def _ensure_membership(
    initiative: Initiative, user, role: str, partnership: Partnership | None
) -> Membership:
    """The person's membership, created through the service if missing; an existing one is kept."""
    membership = Membership.objects.filter(user=user, initiative=initiative).first()
    if membership is not None:
        return membership
    return add_member(
        actor=None, initiative=initiative, user=user, role=role, partnership=partnership
    )


# Values -----------------------------------------------------------------------------------------


def _load_values(initiative: Initiative, users: dict, result: DemoResult, out: _Output) -> None:
    """Save each indicator's values report by report, then submit and approve the reports."""
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    partnerships = {p.code: p for p in initiative.partnerships.all()}
    reporters = {
        a.partner: users[a.local_part] for a in ACCOUNTS if a.role == Role.PARTNER_REPORTER
    }
    data_manager = next(users[a.local_part] for a in ACCOUNTS if a.role == Role.DATA_MANAGER)

    by_indicator: dict[str, list[SourceValue]] = defaultdict(list)
    for value in iter_values():
        by_indicator[value.indicator].append(value)

    to_approve: dict[int, Submission] = {}
    for code, values in by_indicator.items():
        indicator = indicators[code]
        saved = already = 0  # "already": in a report that is submitted or approved (locked)
        by_report: dict[tuple[str, str], list[SourceValue]] = defaultdict(list)
        for value in values:
            by_report[(value.partner, value.period)].append(value)
        for (partner, period), report_values in by_report.items():
            reporter = reporters[partner]
            submission = services.open_submission(
                actor=reporter, partnership=partnerships[partner], period=period
            )
            if submission.status not in services.EDITABLE:
                already += len(report_values)
                continue
            entries = [_entry(indicator, value) for value in report_values]
            services.save_values(actor=reporter, submission=submission, entries=entries)
            saved += len(entries)
            to_approve[submission.pk] = submission
        result.values_saved += saved
        result.values_locked += already
        out.line(_progress(indicator, values, saved, already))

    for submission in to_approve.values():
        reporter = reporters[submission.partnership.code]
        submission = services.submit_submission(actor=reporter, submission=submission)
        services.approve_submission(
            actor=data_manager, submission=submission, comment=APPROVAL_COMMENT
        )
        result.submissions_approved += 1


def _entry(indicator: Indicator, value: SourceValue) -> services.Entry:
    return services.Entry(
        indicator=indicator,
        cell=value.cell,
        value=value.value,
        numerator=value.numerator,
        denominator=value.denominator,
        censor=value.censor,
        comment=f"Source: {value.source}",
    )


def _progress(indicator: Indicator, values: list[SourceValue], saved: int, already: int) -> str:
    periods = sorted({v.period for v in values})
    partners = ", ".join(sorted({v.partner for v in values}))
    span = f"{periods[0]}…{periods[-1]}" if len(periods) > 1 else periods[0]
    done = f"{saved} saved" + (f", {already} already submitted or approved" if already else "")
    return f"  {indicator.code}: {len(values)} values, {span} ({partners}): {done}"
