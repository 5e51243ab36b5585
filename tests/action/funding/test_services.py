"""Recording grants: who may, what is refused (nothing changed then), what is audited."""

from datetime import date
from decimal import Decimal

import pytest

from commonground.action.funding import services
from commonground.action.funding.services import GrantData
from commonground.action.models import Grant
from commonground.convening.models import Notification
from commonground.core.errors import DomainError, PermissionDenied
from commonground.core.models import AuditEvent
from tests.action.funding.world import FY2024, fund, grant, strategy


def data(funder, **changes) -> GrantData:
    fields = {
        "funder": funder,
        "title": "Early literacy",
        "amount": Decimal("250000"),
        "starts_on": FY2024[0],
        "ends_on": FY2024[1],
        "strategies": [],
    }
    return GrantData(**{**fields, **changes})


@pytest.fixture
def the_fund(world):
    return fund(world)


def state():
    """Everything a refused call must leave as it was."""
    return (
        list(Grant.objects.values_list("pk", "title", "amount", "funder_id")),
        sorted(Grant.strategies.through.objects.values_list("grant_id", "strategy_id")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_a_funder_records_its_own_grant_and_the_lead_hears_of_it(world, the_fund):
    tutoring = strategy(world.alpha, "tutoring")
    made = services.record_grant(
        actor=world.users["funder"],
        initiative=world.alpha,
        data=data(the_fund, strategies=[tutoring], recipient=world.partners["b"]),
    )
    made.refresh_from_db()
    assert (made.funder, made.recipient, made.amount) == (
        the_fund,
        world.partners["b"],
        Decimal("250000.00"),
    )
    assert made.recorded_by == world.users["funder"]
    assert list(made.strategies.all()) == [tutoring]
    event = AuditEvent.objects.get(action="grant.recorded")
    assert event.after["strategies"] == ["tutoring"]
    assert event.after["amount"] == "250000.00"
    assert event.initiative == world.alpha
    assert [n.recipient for n in Notification.objects.all()] == [world.users["lead"]]
    assert "Alpha Community Fund" in Notification.objects.get().text


def test_the_lead_records_any_funders_grant_and_is_not_told_of_it(world, the_fund):
    services.record_grant(
        actor=world.users["lead"], initiative=world.alpha, data=data(world.partners["b"])
    )
    assert Grant.objects.get().funder == world.partners["b"]
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "persona", ["data_manager", "facilitator", "steering", "partner_lead_a", "viewer", "outsider"]
)
def test_others_may_not_record_grants(world, the_fund, persona):
    before = state()
    with pytest.raises(PermissionDenied):
        services.record_grant(
            actor=world.users[persona], initiative=world.alpha, data=data(the_fund)
        )
    assert state() == before


def test_a_funder_records_no_other_funders_grant(world, the_fund):
    before = state()
    with pytest.raises(PermissionDenied):
        services.record_grant(
            actor=world.users["funder"], initiative=world.alpha, data=data(world.partners["a"])
        )
    assert state() == before


def test_a_funder_whose_membership_names_no_partner_records_nothing(world):
    with pytest.raises(PermissionDenied):
        services.record_grant(
            actor=world.users["funder"], initiative=world.alpha, data=data(world.partners["a"])
        )
    assert not Grant.objects.exists()


def refused(world, grant_data, actor="lead") -> str:
    before = state()
    with pytest.raises(DomainError) as caught:
        services.record_grant(actor=world.users[actor], initiative=world.alpha, data=grant_data)
    assert state() == before
    return caught.value.code


def test_a_strategy_of_another_initiative_is_refused(world, the_fund):
    theirs = strategy(world.beta, "beta-plan")
    assert refused(world, data(the_fund, strategies=[theirs]), "funder") == (
        "strategy_wrong_initiative"
    )


def test_a_grant_that_ends_before_it_starts_is_refused(world, the_fund):
    bad = data(the_fund, starts_on=date(2025, 7, 1), ends_on=date(2025, 6, 30))
    assert refused(world, bad) == "dates_reversed"


@pytest.mark.parametrize("amount", ["0", "-5", "0.00"])
def test_a_non_positive_amount_is_refused(world, the_fund, amount):
    assert refused(world, data(the_fund, amount=Decimal(amount))) == "amount_not_positive"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "  "}, "title_missing"),
        ({"title": "x" * 301}, "title_too_long"),
        ({"amount": None}, "amount_missing"),
        ({"amount": Decimal("NaN")}, "amount_not_positive"),
        ({"amount": Decimal("1e12")}, "amount_too_large"),
        ({"amount": Decimal("10.005")}, "amount_precision"),
        ({"starts_on": None}, "dates_missing"),
        ({"kind": "loan"}, "unknown_kind"),
    ],
)
def test_other_bad_input_is_refused(world, the_fund, changes, code):
    assert refused(world, data(the_fund, **changes)) == code


def test_a_grant_without_a_funder_is_refused(world):
    assert refused(world, data(None)) == "funder_missing"


def test_partners_of_another_initiative_are_refused(world, the_fund):
    assert refused(world, data(world.beta_partner)) == "wrong_initiative"
    assert refused(world, data(the_fund, recipient=world.beta_partner)) == "wrong_initiative"


def test_a_new_link_to_a_retired_strategy_is_refused_but_an_old_one_may_stay(world, the_fund):
    old = strategy(world.alpha, "old-idea")
    made = services.record_grant(
        actor=world.users["funder"], initiative=world.alpha, data=data(the_fund, strategies=[old])
    )
    old.is_retired = True
    old.save()
    assert refused(world, data(the_fund, strategies=[old])) == "strategy_retired"
    services.update_grant(
        actor=world.users["funder"],
        grant=made,
        data=data(the_fund, title="Renamed", strategies=[old]),
    )
    made.refresh_from_db()
    assert made.title == "Renamed"
    assert list(made.strategies.all()) == [old]


def test_update_audits_before_and_after(world, the_fund):
    s1, s2 = strategy(world.alpha, "one"), strategy(world.alpha, "two")
    made = grant(world.alpha, the_fund, amount="100", starts_on=FY2024[0], ends_on=FY2024[1],
                 strategies=[s1])  # fmt: skip
    services.update_grant(
        actor=world.users["lead"],
        grant=made,
        data=data(the_fund, amount=Decimal("150"), strategies=[s2]),
    )
    event = AuditEvent.objects.get(action="grant.updated")
    assert (event.before["amount"], event.before["strategies"]) == ("100.00", ["one"])
    assert (event.after["amount"], event.after["strategies"]) == ("150.00", ["two"])


def test_a_refused_update_changes_nothing(world, the_fund):
    s1 = strategy(world.alpha, "one")
    made = grant(world.alpha, the_fund, amount="100", starts_on=FY2024[0], ends_on=FY2024[1],
                 strategies=[s1])  # fmt: skip
    before = state()
    with pytest.raises(DomainError):
        services.update_grant(
            actor=world.users["funder"],
            grant=made,
            data=data(the_fund, amount=Decimal("-1"), strategies=[]),
        )
    assert state() == before


def test_a_funder_may_not_change_or_give_away_another_funders_grant(world, the_fund):
    theirs = grant(world.alpha, world.partners["b"], amount="100", starts_on=FY2024[0],
                   ends_on=FY2024[1])  # fmt: skip
    own = grant(world.alpha, the_fund, amount="100", starts_on=FY2024[0], ends_on=FY2024[1])
    before = state()
    funder = world.users["funder"]
    with pytest.raises(PermissionDenied):
        services.update_grant(actor=funder, grant=theirs, data=data(the_fund))
    with pytest.raises(PermissionDenied):
        services.update_grant(actor=funder, grant=own, data=data(world.partners["b"]))
    with pytest.raises(PermissionDenied):
        services.delete_grant(actor=funder, grant=theirs)
    assert state() == before


def test_delete_keeps_what_the_grant_was_in_the_audit_log(world, the_fund):
    made = grant(world.alpha, the_fund, amount="100", starts_on=FY2024[0], ends_on=FY2024[1],
                 strategies=[strategy(world.alpha, "one")])  # fmt: skip
    services.delete_grant(actor=world.users["funder"], grant=made)
    assert not Grant.objects.exists()
    event = AuditEvent.objects.get(action="grant.deleted")
    assert (event.before["title"], event.before["strategies"]) == ("A grant", ["one"])
