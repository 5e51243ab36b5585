"""Saving values and moving submissions through review (SPEC §3.1.5, §3.1.6)."""

from decimal import Decimal

import pytest

from commonground.core.errors import DomainError, InvalidTransition
from commonground.core.models import AuditEvent
from commonground.measurement.models import (
    DataValue,
    Dimension,
    Indicator,
    ReportingAssignment,
    Submission,
)
from commonground.measurement.services import (
    TRANSITIONS,
    Entry,
    InvalidValue,
    approve_submission,
    open_submission,
    parse_number,
    return_submission,
    save_values,
    submit_submission,
)

D = Decimal
Status = Submission.Status


# --- parse_number (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number", "censor"),
    [
        ("12.5", D("12.5"), ""),
        ("<10", D(10), "<"),
        ("> 95", D(95), ">"),
        (">95", D(95), ">"),
        ("1,056", D(1056), ""),
        ("  47.7 ", D("47.7"), ""),
        ("0", D(0), ""),
        ("-3", D(-3), ""),
        ("< 0.5", D("0.5"), "<"),
        (12, D(12), ""),
        (D("0.25"), D("0.25"), ""),
        (None, None, ""),
        ("", None, ""),
        ("   ", None, ""),
    ],
)
def test_parse_number(raw, number, censor):
    assert parse_number(raw) == (number, censor)


@pytest.mark.parametrize(
    "raw",
    ["abc", "12a", "<", "> ", "<<10", "=10", "10%", "nan", "NaN", "inf", "-Infinity", "sNaN"],
)
def test_parse_number_refuses_what_is_not_a_finite_number(raw):
    with pytest.raises(InvalidValue) as caught:
        parse_number(raw)
    assert caught.value.code == "not_a_number"
    assert str(caught.value) == f"'{raw}' is not a number."


# --- set-up -----------------------------------------------------------------------------------


@pytest.fixture
def m(world):
    """Indicators of alpha: a rate by sex, a count, a narrative; partner A reports all three."""
    alpha = world.alpha
    sex = Dimension.objects.create(initiative=alpha, code="sex", name="Sex")
    sex.values.create(code="f", name="Female")
    sex.values.create(code="m", name="Male")
    grad = Indicator.objects.create(
        initiative=alpha,
        code="grad_rate",
        name="Graduation rate",
        value_type="rate",
        scale_factor=100,
        aggregation="ratio_of_sums",
        frequency="school_year",
    )
    grad.dimensions.add(sex)
    count = Indicator.objects.create(
        initiative=alpha,
        code="kids_served",
        name="Children served",
        value_type="count",
        aggregation="sum",
        frequency="school_year",
    )
    story = Indicator.objects.create(
        initiative=alpha,
        code="story",
        name="Story behind the data",
        value_type="narrative",
        aggregation="none",
        frequency="school_year",
    )
    # Not a count: a count must be a whole number, and these tests need decimals.
    mean = Indicator.objects.create(
        initiative=alpha,
        code="mean_days",
        name="Mean days attended",
        value_type="mean",
        aggregation="none",
        frequency="school_year",
    )
    unassigned = Indicator.objects.create(
        initiative=alpha,
        code="unassigned",
        name="Nobody reports this",
        value_type="count",
        aggregation="sum",
        frequency="school_year",
    )
    annual = Indicator.objects.create(
        initiative=alpha,
        code="annual_count",
        name="Counted by calendar year",
        value_type="count",
        aggregation="sum",
        frequency="annual",
    )
    partner = world.partners["a"]
    for indicator in (grad, count, story, annual, mean):
        ReportingAssignment.objects.create(indicator=indicator, partnership=partner)
    submission = open_submission(
        actor=world.users["reporter_a"], partnership=partner, period="SY2024-25"
    )

    class M:
        pass

    ns = M()
    ns.__dict__.update(
        world=world,
        grad=grad,
        count=count,
        mean=mean,
        story=story,
        unassigned=unassigned,
        annual=annual,
        partner=partner,
        submission=submission,
        reporter=world.users["reporter_a"],
        manager=world.users["data_manager"],
    )
    return ns


def events(action=None):
    qs = AuditEvent.objects.order_by("id")
    return list(qs.filter(action=action) if action else qs)


def save(m, *entries, submission=None):
    return save_values(actor=m.reporter, submission=submission or m.submission, entries=entries)


def refused(m, *entries, submission=None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        save(m, *entries, submission=submission)
    return caught.value


def set_status(submission, status):
    Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.refresh_from_db()


# --- open_submission --------------------------------------------------------------------------


def test_open_submission_creates_one_draft_and_audits_it_once(m):
    assert m.submission.status == Status.DRAFT
    again = open_submission(actor=m.reporter, partnership=m.partner, period="SY2024-25")
    assert again.pk == m.submission.pk
    [created] = events("submission.created")
    assert created.after == {"period": "SY2024-25", "status": "draft"}
    assert created.before is None
    assert created.actor == m.reporter
    assert created.initiative == m.world.alpha


# --- save_values: create, update, audit -------------------------------------------------------


def test_save_values_creates_values_and_audits_each(m):
    saved = save(
        m,
        Entry(m.grad, {}, numerator=D(945), denominator=D(1056)),
        Entry(m.grad, {"sex": "f", "race": ""}, numerator=D(480), denominator=D(520)),
        Entry(m.count, {}, value=D(47), comment="from the roster"),
    )
    assert len(saved) == 3
    values = {(v.indicator.code, v.cell): v for v in DataValue.objects.all()}
    assert set(values) == {("grad_rate", ""), ("grad_rate", "sex=f"), ("kids_served", "")}
    total = values[("grad_rate", "")]
    assert (total.numerator, total.denominator, total.value) == (D(945), D(1056), None)
    assert total.submission == m.submission
    assert (total.partnership, total.period) == (m.partner, "SY2024-25")
    assert values[("kids_served", "")].comment == "from the roster"
    saved_events = events("value.saved")
    assert len(saved_events) == 3
    first = saved_events[0]
    assert first.before is None
    assert first.actor == m.reporter
    assert first.object_type == "measurement.datavalue"
    assert first.object_id == str(total.pk)
    assert D(first.after["numerator"]) == 945
    assert D(first.after["denominator"]) == 1056
    assert first.after["value"] is None
    assert first.after["censor"] == ""


def test_save_values_updates_in_place_with_before_and_after(m):
    save(m, Entry(m.count, {}, value=D(47)))
    save(m, Entry(m.count, {}, value=D(52), comment="recounted"))
    value = DataValue.objects.get()
    assert (value.value, value.comment) == (D(52), "recounted")
    first, second = events("value.saved")
    assert second.object_id == first.object_id == str(value.pk)
    assert D(second.before["value"]) == 47
    assert second.before["comment"] == ""
    assert D(second.after["value"]) == 52
    assert second.after["comment"] == "recounted"


def test_saving_the_same_values_again_writes_no_event(m):
    entries = [
        Entry(m.grad, {"sex": "m"}, numerator=D(465), denominator=D(536)),
        Entry(m.mean, {}, value=D("47.7")),
        Entry(m.story, {}, text="Attendance rose after the bus route changed."),
    ]
    save(m, *entries)
    assert len(events("value.saved")) == 3
    save(m, *entries)
    save(m, *reversed(entries))
    assert len(events("value.saved")) == 3
    # Equal numbers written differently are the same value.
    save(m, Entry(m.mean, {}, value=D("47.70")))
    assert len(events("value.saved")) == 3


def test_the_same_cell_given_in_another_order_updates_the_same_value(m):
    save(m, Entry(m.grad, {"sex": "f"}, numerator=D(1), denominator=D(2)))
    save(m, Entry(m.grad, {"sex": " f "}, numerator=D(1), denominator=D(4)))
    assert DataValue.objects.get().denominator == D(4)


def test_censored_values_keep_their_bound_and_direction(m):
    save(m, Entry(m.grad, {"sex": "f"}, numerator=D(10), censor="<"))
    value = DataValue.objects.get()
    assert (value.numerator, value.denominator, value.censor) == (D(10), None, "<")
    assert value.is_censored


def test_a_rate_with_equal_parts_is_allowed(m):
    save(m, Entry(m.grad, {}, numerator=D(316), denominator=D(316)))
    assert DataValue.objects.get().numerator == D(316)


# --- save_values: refusals, each with its stable code ------------------------------------------


def test_an_unassigned_indicator_is_refused(m):
    error = refused(m, Entry(m.unassigned, {}, value=D(1)))
    assert error.code == "not_assigned"
    assert isinstance(error, InvalidValue)
    assert str(error) == "Nobody reports this is not one of the indicators Alpha Schools reports."


def test_a_reporter_may_not_write_into_another_partners_report(m):
    """Permission is checked first (SPEC §3.1.5): before any question about the value."""
    other = open_submission(actor=None, partnership=m.world.partners["b"], period="SY2024-25")
    assert refused(m, Entry(m.count, {}, value=D(1)), submission=other).code == "permission_denied"


def test_a_partner_may_not_report_what_another_is_assigned(m):
    other = open_submission(actor=None, partnership=m.world.partners["b"], period="SY2024-25")
    with pytest.raises(InvalidValue) as caught:
        save_values(actor=None, submission=other, entries=[Entry(m.count, {}, value=D(1))])
    assert caught.value.code == "not_assigned"


def test_a_period_of_another_frequency_is_refused(m):
    wrong = open_submission(actor=m.reporter, partnership=m.partner, period="2024")
    error = refused(m, Entry(m.count, {}, value=D(1)), submission=wrong)
    assert error.code == "period_frequency"
    assert "school year" in str(error)
    # ... and the calendar-year indicator fits the calendar-year submission.
    save(m, Entry(m.annual, {}, value=D(1)), submission=wrong)


def test_unknown_dimension_or_value_is_a_bad_cell(m):
    assert refused(m, Entry(m.grad, {"race": "black"}, numerator=1, denominator=2)).code == (
        "bad_cell"
    )
    assert refused(m, Entry(m.grad, {"sex": "x"}, numerator=1, denominator=2)).code == ("bad_cell")
    # The count has no dimensions at all.
    assert refused(m, Entry(m.count, {"sex": "f"}, value=D(1))).code == "bad_cell"
    assert refused(m, Entry(m.count, {"se=x": "f"}, value=D(1))).code == "bad_cell"


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ({"numerator": D(5)}, "rate_parts_missing"),
        ({"denominator": D(5)}, "rate_parts_missing"),
        ({"value": D("50")}, "rate_parts_missing"),
        ({"numerator": D(11), "denominator": D(10)}, "numerator_above_denominator"),
        ({"numerator": D("10.5"), "denominator": D(10)}, "numerator_above_denominator"),
        ({"numerator": D(0), "denominator": D(0)}, "bad_denominator"),
        ({"numerator": D(1), "denominator": D(-4)}, "bad_denominator"),
    ],
)
def test_bad_rates_are_refused(m, parts, code):
    assert refused(m, Entry(m.grad, {}, **parts)).code == code


def test_a_count_without_a_value_and_an_empty_narrative_are_refused(m):
    assert refused(m, Entry(m.count, {})).code == "value_missing"
    assert refused(m, Entry(m.story, {}, text="   ")).code == "value_missing"


def test_consistency_is_checked_before_the_value(m):
    """SPEC §3.1.5: permission → consistency → value type and range → cross-value rules."""
    assert refused(m, Entry(m.unassigned, {"nope": "x"})).code == "not_assigned"
    assert refused(m, Entry(m.grad, {"nope": "x"}, numerator=D(5))).code == "bad_cell"


def test_a_list_whose_third_entry_is_bad_saves_nothing(m):
    save(m, Entry(m.count, {}, value=D(47)))
    before = events()
    error = refused(
        m,
        Entry(m.grad, {}, numerator=D(945), denominator=D(1056)),
        Entry(m.count, {}, value=D(99)),  # an update of the existing value
        Entry(m.grad, {"sex": "f"}, numerator=D(600), denominator=D(520)),
        Entry(m.grad, {"sex": "m"}, numerator=D(1), denominator=D(2)),
    )
    assert error.code == "numerator_above_denominator"
    assert DataValue.objects.get().value == D(47)
    assert events() == before


def test_too_large_a_number_is_refused_not_a_crash(m):
    """The column holds 20 digits, 6 after the point: 14 before it."""
    error = refused(m, Entry(m.count, {}, value=D("1e14")))
    assert error.code == "out_of_range"
    assert str(error) == (
        "Children served: 100000000000000 is too large to store (at most 14 digits before the "
        "decimal point)."
    )
    assert refused(m, Entry(m.grad, {}, numerator=D(1), denominator=D("1e20"))).code == (
        "out_of_range"
    )
    assert not DataValue.objects.exists()
    save(m, Entry(m.count, {}, value=D("99999999999999")))
    assert DataValue.objects.get().value == D("99999999999999")


def test_more_decimals_than_stored_are_rounded_once_and_then_unchanged(m):
    save(m, Entry(m.mean, {}, value=D("47.12345678")))
    assert DataValue.objects.get().value == D("47.123457")
    save(m, Entry(m.mean, {}, value=D("47.12345678")))
    save(m, Entry(m.mean, {}, value=D("47.123457")))
    assert len(events("value.saved")) == 1


# --- the state machine ------------------------------------------------------------------------


def fill(m):
    save(m, Entry(m.count, {}, value=D(47)))


def test_draft_submitted_approved(m):
    fill(m)
    submitted = submit_submission(actor=m.reporter, submission=m.submission)
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_by == m.reporter
    assert submitted.submitted_at is not None
    approved = approve_submission(actor=m.manager, submission=m.submission, comment="Thanks")
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert approved.reviewed_by == m.manager
    assert approved.reviewed_at is not None
    assert approved.review_comment == "Thanks"
    [submit_event] = events("submission.submitted")
    [approve_event] = events("submission.approved")
    assert submit_event.before == {"status": "draft"}
    assert submit_event.after == {"status": "submitted", "comment": ""}
    assert submit_event.actor == m.reporter
    assert approve_event.before == {"status": "submitted"}
    assert approve_event.after == {"status": "approved", "comment": "Thanks"}
    assert approve_event.actor == m.manager
    assert approve_event.object_id == str(m.submission.pk)
    assert approve_event.initiative == m.world.alpha


def test_submitted_returned_submitted(m):
    fill(m)
    submit_submission(actor=m.reporter, submission=m.submission)
    returned = return_submission(
        actor=m.manager, submission=m.submission, comment="Check the female count"
    )
    assert returned.status == Status.RETURNED
    assert returned.review_comment == "Check the female count"
    [event] = events("submission.returned")
    assert event.before == {"status": "submitted"}
    assert event.after == {"status": "returned", "comment": "Check the female count"}
    # A returned submission can be corrected and submitted again.
    save(m, Entry(m.count, {}, value=D(48)))
    again = submit_submission(actor=m.reporter, submission=m.submission)
    assert again.status == Status.SUBMITTED
    assert [e.before for e in events("submission.submitted")] == [
        {"status": "draft"},
        {"status": "returned"},
    ]


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_return_needs_a_comment(m, comment):
    fill(m)
    submit_submission(actor=m.reporter, submission=m.submission)
    count = len(events())
    with pytest.raises(DomainError) as caught:
        return_submission(actor=m.manager, submission=m.submission, comment=comment)
    assert caught.value.code == "comment_required"
    m.submission.refresh_from_db()
    assert m.submission.status == Status.SUBMITTED
    assert len(events()) == count


def test_approving_a_draft_is_refused(m):
    fill(m)
    count = len(events())
    with pytest.raises(InvalidTransition) as caught:
        approve_submission(actor=m.manager, submission=m.submission)
    assert caught.value.code == "invalid_transition"
    assert str(caught.value) == "A draft report cannot be approved."
    m.submission.refresh_from_db()
    assert m.submission.status == Status.DRAFT
    assert m.submission.reviewed_by is None
    assert len(events()) == count


def test_submitting_an_empty_submission_is_refused(m):
    with pytest.raises(InvalidTransition) as caught:
        submit_submission(actor=m.reporter, submission=m.submission)
    assert caught.value.code == "empty_submission"
    m.submission.refresh_from_db()
    assert m.submission.status == Status.DRAFT
    assert not events("submission.submitted")


ACTIONS = {
    "submit": lambda m: submit_submission(actor=m.reporter, submission=m.submission),
    "approve": lambda m: approve_submission(actor=m.manager, submission=m.submission),
    "return": lambda m: return_submission(actor=m.manager, submission=m.submission, comment="x"),
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_status_and_action(m, status, action):
    """The whole transition table: allowed moves happen, every other one is refused."""
    fill(m)
    set_status(m.submission, status)
    target = TRANSITIONS.get((status, action))
    count = len(events())
    if target is None:
        with pytest.raises(InvalidTransition):
            ACTIONS[action](m)
        m.submission.refresh_from_db()
        assert m.submission.status == status
        assert len(events()) == count
    else:
        assert ACTIONS[action](m).status == target
        assert [e.after["status"] for e in events()[count:]] == [target]


def test_the_transition_table_holds_exactly_these_moves():
    """Any change to the state machine must be deliberate."""
    assert TRANSITIONS == {
        (Status.DRAFT, "submit"): Status.SUBMITTED,
        (Status.RETURNED, "submit"): Status.SUBMITTED,
        (Status.REOPENED, "submit"): Status.SUBMITTED,
        (Status.SUBMITTED, "approve"): Status.APPROVED,
        (Status.SUBMITTED, "return"): Status.RETURNED,
        (Status.APPROVED, "reopen"): Status.REOPENED,
    }


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (Status.DRAFT, True),
        (Status.RETURNED, True),
        (Status.REOPENED, True),
        (Status.SUBMITTED, False),
        (Status.APPROVED, False),
    ],
)
def test_only_drafts_returned_and_reopened_submissions_can_be_edited(m, status, editable):
    fill(m)
    set_status(m.submission, status)
    count = len(events())
    entry = Entry(m.count, {}, value=D(99))
    if editable:
        save(m, entry)
        assert DataValue.objects.get().value == D(99)
    else:
        error = refused(m, entry)
        assert isinstance(error, InvalidTransition)
        assert error.code == "submission_locked"
        assert DataValue.objects.get().value == D(47)
        assert len(events()) == count


def test_a_stale_submission_object_cannot_edit_a_submitted_report(m):
    """The status is read from the database, not from the caller's copy."""
    fill(m)
    stale = Submission.objects.get(pk=m.submission.pk)
    submit_submission(actor=m.reporter, submission=m.submission)
    assert stale.status == Status.DRAFT
    assert refused(m, Entry(m.count, {}, value=D(1)), submission=stale).code == (
        "submission_locked"
    )
    with pytest.raises(InvalidTransition):
        submit_submission(actor=m.reporter, submission=stale)
