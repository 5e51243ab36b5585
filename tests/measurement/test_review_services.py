"""Review and approval (SPEC §3.1.6): the state machine holds for every role and every path.

Every persona tries every action on a report in every status, once through the services and once
through the pages' form posts. A move happens only when the role may make it *and* the state
machine allows it; every other attempt changes nothing and writes nothing.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from commonground.core.errors import DomainError, InvalidTransition, PermissionDenied
from commonground.core.models import AuditEvent
from commonground.insight.document import build_report_card
from commonground.measurement import services
from commonground.measurement.models import DataValue, ReviewState, Submission
from tests.conftest import ALL_PERSONAS
from tests.measurement.reporting_world import build

D = Decimal
Status = Submission.Status
ENTERS_A = frozenset({"lead", "data_manager", "partner_lead_a", "reporter_a"})
REVIEWS = frozenset({"lead", "data_manager"})

# action → (who may, the statuses it starts from, the status it leads to)
ACTIONS = {
    "submit": (ENTERS_A, {Status.DRAFT, Status.RETURNED, Status.REOPENED}, Status.SUBMITTED),
    "approve": (REVIEWS, {Status.SUBMITTED}, Status.APPROVED),
    "return": (REVIEWS, {Status.SUBMITTED}, Status.RETURNED),
    "reopen": (REVIEWS, {Status.APPROVED}, Status.REOPENED),
    "approve_values": (REVIEWS, {Status.SUBMITTED}, Status.APPROVED),
    "bulk_approve": (REVIEWS, {Status.SUBMITTED}, Status.APPROVED),
}
PARTNER_A_INBOXES = {"partner_lead_a@example.org", "reporter_a@example.org"}


@pytest.fixture
def r(world):
    return build(world)


def actor(world, persona):
    return AnonymousUser() if persona == "anonymous" else world.users[persona]


def in_status(r, status) -> Submission:
    """Partner A's report with four values, put straight into ``status`` (values to match)."""
    submission = r.fill("a")
    Submission.objects.filter(pk=submission.pk).update(status=status)
    state = ReviewState.APPROVED if status == Status.APPROVED else ReviewState.PENDING
    submission.values.update(review_state=state)
    submission.refresh_from_db()
    return submission


def snapshot(submission):
    submission.refresh_from_db()
    values = sorted(
        DataValue.objects.filter(submission=submission).values_list(
            "pk", "value", "numerator", "review_state", "review_comment"
        )
    )
    return submission.status, submission.revision, values


def call_service(r, action, who, submission):
    value_ids = list(submission.values.values_list("pk", flat=True))
    if action == "submit":
        return services.submit_submission(actor=who, submission=submission)
    if action == "approve":
        return services.approve_submission(actor=who, submission=submission, comment="Fine")
    if action == "return":
        return services.return_submission(actor=who, submission=submission, comment="Check")
    if action == "reopen":
        return services.reopen_submission(actor=who, submission=submission, reason="Recount")
    if action == "approve_values":
        return services.approve_values(actor=who, submission=submission, value_ids=value_ids)
    approved, refused = services.bulk_approve(actor=who, submissions=[submission])
    if refused:
        raise refused[submission.pk]
    return approved[0]


def post_form(r, action, persona, submission):
    client = r.world.client(persona)
    pk = submission.pk
    if action == "submit":
        url = reverse("reporting_grid", args=["alpha", "a", r.period])
        data = {
            "action": "submit",
            "grad_rate::numerator": "945",
            "grad_rate::denominator": "1056",
            "grad_rate:sex=f:numerator": "480",
            "grad_rate:sex=f:denominator": "520",
            "kids_served::value": "47",
            "story::text": "The bus route changed.",
        }
    elif action == "bulk_approve":
        url = reverse("review_bulk_approve", args=["alpha"])
        data = {"submission": [pk]}
    else:
        name = {"approve_values": "review_approve_values"}.get(action, f"review_{action}")
        url = reverse(name, args=["alpha", pk])
        data = {
            "comment": "Check" if action == "return" else "",
            "reason": "Recount",
            "value": list(submission.values.values_list("pk", flat=True)),
        }
    return client.post(url, data)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_role_every_action_every_status_through_the_services(
    r, persona, action, status, mailoutbox, django_capture_on_commit_callbacks
):
    submission = in_status(r, status)
    allowed, starts, target = ACTIONS[action]
    legal = persona in allowed and status in starts
    before = snapshot(submission)
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        if legal:
            result = call_service(r, action, actor(r.world, persona), submission)
            assert result.status == target
        else:
            with pytest.raises(DomainError) as caught:
                call_service(r, action, actor(r.world, persona), submission)
            if persona not in allowed:
                assert isinstance(caught.value, PermissionDenied)
            else:
                assert isinstance(caught.value, InvalidTransition)
    if legal:
        assert snapshot(submission)[0] == target
        [event] = AuditEvent.objects.filter(action=f"submission.{target}")
        assert event.before == {"status": status}
        assert event.after["status"] == target
        assert event.actor == r.world.users[persona]
        assert event.initiative == r.world.alpha
    else:
        assert snapshot(submission) == before
        assert AuditEvent.objects.count() == events
        assert mailoutbox == []


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_role_every_action_every_status_through_the_pages(
    r, persona, action, status, mailoutbox, django_capture_on_commit_callbacks
):
    submission = in_status(r, status)
    allowed, starts, target = ACTIONS[action]
    legal = persona in allowed and status in starts
    before = snapshot(submission)
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(r, action, persona, submission)
    if persona not in allowed:
        # Not allowed looks like not found; anonymous visitors are sent to log in.
        assert response.status_code == (302 if persona == "anonymous" else 404)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    if legal:
        assert response.status_code == 302
        assert snapshot(submission)[0] == target
        assert AuditEvent.objects.filter(action=f"submission.{target}").count() == 1
    else:
        assert snapshot(submission) == before
        assert AuditEvent.objects.count() == events
        assert mailoutbox == []
        if persona in allowed:  # refused by the state machine, and told why
            assert response.status_code in (200, 302)


# --- audit, notification ----------------------------------------------------------------------


def test_each_legal_move_is_audited_with_before_and_after(r):
    manager, reporter = r.user("data_manager"), r.user("reporter_a")
    submission = r.fill("a")
    services.submit_submission(actor=reporter, submission=submission)
    services.return_submission(actor=manager, submission=submission, comment="Recount")
    services.submit_submission(actor=reporter, submission=submission)
    services.approve_submission(actor=manager, submission=submission, comment="Thanks")
    services.reopen_submission(actor=manager, submission=submission, reason="New census")
    moves = [
        (e.action, e.before, e.after, e.actor)
        for e in AuditEvent.objects.filter(action__startswith="submission.").order_by("id")
        if e.action != "submission.created"
    ]
    assert moves == [
        (
            "submission.submitted",
            {"status": "draft"},
            {"status": "submitted", "comment": ""},
            reporter,
        ),
        (
            "submission.returned",
            {"status": "submitted"},
            {"status": "returned", "comment": "Recount"},
            manager,
        ),
        (
            "submission.submitted",
            {"status": "returned"},
            {"status": "submitted", "comment": ""},
            reporter,
        ),
        (
            "submission.approved",
            {"status": "submitted"},
            {"status": "approved", "comment": "Thanks"},
            manager,
        ),
        (
            "submission.reopened",
            {"status": "approved"},
            {"status": "reopened", "comment": "New census"},
            manager,
        ),
    ]
    submission.refresh_from_db()
    assert (submission.revision, submission.reopen_reason) == (1, "New census")
    assert submission.reopened_by == manager


@pytest.mark.parametrize(
    ("action", "event"),
    [("return", "returned"), ("approve", "approved"), ("reopen", "reopened")],
)
def test_the_partner_is_told_by_email(
    r, action, event, mailoutbox, django_capture_on_commit_callbacks
):
    submission = r.submitted("a")
    if action == "reopen":
        services.approve_submission(actor=None, submission=submission)
    with django_capture_on_commit_callbacks(execute=True):
        call_service(r, action, r.user("data_manager"), submission)
    assert {address for m in mailoutbox for address in m.to} == PARTNER_A_INBOXES
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject == f"Alpha Schools: your {r.period} report was {event}"
    assert f"The {r.period} report of Alpha Schools in Alpha Cradle to Career was {event}." in (
        message.body
    )


def test_the_email_names_the_returned_values(r, mailoutbox, django_capture_on_commit_callbacks):
    submission = r.submitted("a")
    kids = DataValue.objects.get(indicator=r.kids)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_submission(
            actor=r.user("data_manager"),
            submission=submission,
            comment="One value",
            value_comments={kids.pk: "The roster says 52."},
        )
    assert "Children served: The roster says 52." in mailoutbox[0].body
    assert "One value" in mailoutbox[0].body


def test_nothing_is_sent_when_the_move_is_refused(
    r, mailoutbox, django_capture_on_commit_callbacks
):
    submission = r.fill("a")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        services.approve_submission(actor=r.user("data_manager"), submission=submission)
    assert mailoutbox == []


# --- bulk approval ----------------------------------------------------------------------------


def test_bulk_approval_goes_through_approve_submission(r, monkeypatch):
    calls = []
    real = services.review.approve_submission

    def spy(**kwargs):
        calls.append(kwargs["submission"].pk)
        return real(**kwargs)

    monkeypatch.setattr(services.review, "approve_submission", spy)
    first, second = r.submitted("a"), r.submitted("b")
    approved, refused = services.bulk_approve(
        actor=r.user("data_manager"), submissions=[first, second]
    )
    assert calls == [first.pk, second.pk]
    assert [s.pk for s in approved] == [first.pk, second.pk]
    assert refused == {}
    events = AuditEvent.objects.filter(action="submission.approved").order_by("id")
    assert [e.object_id for e in events] == [str(first.pk), str(second.pk)]


def test_one_refused_report_does_not_block_the_others(r):
    draft = r.fill("a")
    submitted = r.submitted("b")
    older = r.submitted("b", "2019")
    approved, refused = services.bulk_approve(
        actor=r.user("data_manager"), submissions=[draft, submitted, older]
    )
    assert {s.pk for s in approved} == {submitted.pk, older.pk}
    assert set(refused) == {draft.pk}
    assert refused[draft.pk].code == "invalid_transition"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert set(
        DataValue.objects.filter(submission=submitted).values_list("review_state", flat=True)
    ) == {ReviewState.APPROVED}


def test_bulk_approval_by_a_reporter_refuses_each_report(r):
    submission = r.submitted("a")
    approved, refused = services.bulk_approve(actor=r.user("reporter_a"), submissions=[submission])
    assert approved == []
    assert refused[submission.pk].code == "permission_denied"


def test_the_bulk_form_names_what_it_refused_and_why(r):
    draft = r.fill("a")
    submitted = r.submitted("b")
    client = r.world.client("data_manager")
    response = client.post(
        reverse("review_bulk_approve", args=["alpha"]),
        {"submission": [draft.pk, submitted.pk, 999999], "period": r.period},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("review_queue", args=["alpha"]) + (
        f"?period={r.period}"
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 report was approved." in shown
    assert f"Not approved: Alpha Schools, {r.period} — A draft report cannot be approved." in shown
    assert "1 selected report no longer exists." in shown


def test_the_bulk_form_cannot_reach_another_initiatives_report(r):
    from commonground.initiatives.models import Membership

    other = Submission.objects.create(partnership=r.world.beta_partner, period="2024")
    Submission.objects.filter(pk=other.pk).update(status=Status.SUBMITTED)
    Membership.objects.create(user=r.user("data_manager"), initiative=r.world.beta, role="viewer")
    response = r.world.client("data_manager").post(
        reverse("review_bulk_approve", args=["alpha"]), {"submission": [other.pk]}, follow=True
    )
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED
    assert "1 selected report no longer exists." in [str(m) for m in response.context["messages"]]


# --- single values ----------------------------------------------------------------------------


def values_of(submission):
    return {
        (v.indicator.code, v.cell): v
        for v in DataValue.objects.filter(submission=submission).select_related("indicator")
    }


def test_approving_some_values_then_the_rest_approves_the_report(r):
    manager = r.user("data_manager")
    submission = r.submitted("a")
    values = values_of(submission)
    first = [values[("kids_served", "")].pk, values[("story", "")].pk]
    result = services.approve_values(actor=manager, submission=submission, value_ids=first)
    assert result.status == Status.SUBMITTED
    states = {k: v.review_state for k, v in values_of(submission).items()}
    assert states == {
        ("kids_served", ""): ReviewState.APPROVED,
        ("story", ""): ReviewState.APPROVED,
        ("grad_rate", ""): ReviewState.PENDING,
        ("grad_rate", "sex=f"): ReviewState.PENDING,
    }
    assert AuditEvent.objects.filter(action="value.approved").count() == 2
    rest = [values[("grad_rate", "")].pk, values[("grad_rate", "sex=f")].pk]
    result = services.approve_values(actor=manager, submission=submission, value_ids=rest)
    assert result.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="submission.approved").count() == 1


def test_returning_values_keeps_those_approved_and_locks_them(r):
    manager = r.user("data_manager")
    submission = r.submitted("a")
    values = values_of(submission)
    kids, grad = values[("kids_served", "")], values[("grad_rate", "")]
    services.approve_values(actor=manager, submission=submission, value_ids=[kids.pk])
    services.return_submission(
        actor=manager, submission=submission, comment="", value_comments={grad.pk: "Cohort?"}
    )
    after = values_of(submission)
    assert after[("kids_served", "")].review_state == ReviewState.APPROVED
    assert after[("grad_rate", "")].review_state == ReviewState.RETURNED
    assert after[("grad_rate", "")].review_comment == "Cohort?"
    assert after[("story", "")].review_state == ReviewState.PENDING
    event = AuditEvent.objects.get(action="value.returned")
    assert event.before == {"review_state": "pending", "review_comment": ""}
    assert event.after == {"review_state": "returned", "review_comment": "Cohort?"}
    # The approved value is locked for the partner…
    with pytest.raises(InvalidTransition) as caught:
        services.save_values(
            actor=r.user("reporter_a"),
            submission=submission,
            entries=[services.Entry(r.kids, {}, value=D(1))],
        )
    assert caught.value.code == "value_locked"
    # …the returned one can be corrected, and goes back to review when the report is sent.
    services.save_values(
        actor=r.user("reporter_a"),
        submission=submission,
        entries=[services.Entry(r.grad, {}, numerator=D(950), denominator=D(1056))],
    )
    services.submit_submission(actor=r.user("reporter_a"), submission=submission)
    assert values_of(submission)[("grad_rate", "")].review_state == ReviewState.PENDING
    assert values_of(submission)[("kids_served", "")].review_state == ReviewState.APPROVED


def test_an_approved_value_cannot_be_returned(r):
    manager = r.user("data_manager")
    submission = r.submitted("a")
    kids = values_of(submission)[("kids_served", "")]
    services.approve_values(actor=manager, submission=submission, value_ids=[kids.pk])
    with pytest.raises(InvalidTransition) as caught:
        services.return_submission(
            actor=manager, submission=submission, comment="", value_comments={kids.pk: "No"}
        )
    assert caught.value.code == "value_locked"
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_a_value_of_another_report_is_refused(r):
    manager = r.user("data_manager")
    mine, theirs = r.submitted("a"), r.submitted("b")
    foreign = values_of(theirs)[("kids_served", "")].pk
    with pytest.raises(DomainError) as caught:
        services.approve_values(actor=manager, submission=mine, value_ids=[foreign])
    assert caught.value.code == "unknown_value"
    with pytest.raises(DomainError):
        services.return_submission(
            actor=manager, submission=mine, comment="x", value_comments={foreign: "x"}
        )
    assert values_of(theirs)[("kids_served", "")].review_state == ReviewState.PENDING


def test_the_return_form_sends_per_value_comments(r):
    submission = r.submitted("a")
    grad = values_of(submission)[("grad_rate", "sex=f")]
    response = r.world.client("data_manager").post(
        reverse("review_return", args=["alpha", submission.pk]),
        {"comment": "", f"value-comment-{grad.pk}": "Girls' cohort looks small."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review_queue", args=["alpha"])
    grad.refresh_from_db()
    assert (grad.review_state, grad.review_comment) == (
        ReviewState.RETURNED,
        "Girls' cohort looks small.",
    )


def test_a_return_without_any_comment_is_refused_with_a_message(r):
    submission = r.submitted("a")
    response = r.world.client("data_manager").post(
        reverse("review_return", args=["alpha", submission.pk]), {"comment": "  "}, follow=True
    )
    assert "Say what needs to change." in [str(m) for m in response.context["messages"]]
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_reopening_needs_a_reason(r):
    submission = r.approved("a")
    response = r.world.client("data_manager").post(
        reverse("review_reopen", args=["alpha", submission.pk]), {"reason": ""}, follow=True
    )
    assert "Give the reason for reopening." in [str(m) for m in response.context["messages"]]
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED


def test_approve_values_form_without_a_selection(r):
    submission = r.submitted("a")
    response = r.world.client("data_manager").post(
        reverse("review_approve_values", args=["alpha", submission.pk]), {}, follow=True
    )
    assert "Select the values to approve." in [str(m) for m in response.context["messages"]]


# --- reopened data leaves the approved data and the report card --------------------------------


def latest_rate(r):
    card = build_report_card(r.world.alpha, public=False)
    [report] = [i for i in card.indicators if i.indicator == r.grad]
    latest = report.latest
    return round(latest.value, 6) if latest and latest.value is not None else None


def test_reopened_values_leave_the_report_card_until_approved_again(r):
    manager = r.user("data_manager")
    submission = r.approved("a", grad=(900, 1000))
    assert latest_rate(r) == D(90)
    services.reopen_submission(actor=manager, submission=submission, reason="Wrong cohort")
    assert set(
        DataValue.objects.filter(submission=submission).values_list("review_state", flat=True)
    ) == {ReviewState.PENDING}
    assert latest_rate(r) is None
    services.save_values(
        actor=r.user("reporter_a"),
        submission=submission,
        entries=[services.Entry(r.grad, {}, numerator=D(850), denominator=D(1000))],
    )
    services.submit_submission(actor=r.user("reporter_a"), submission=submission)
    assert latest_rate(r) is None
    services.approve_submission(actor=manager, submission=submission)
    assert latest_rate(r) == D(85)
