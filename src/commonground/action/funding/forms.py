"""The grant form. It reads what a person typed and offers only this initiative's partners and
strategies; the rules (a positive amount, dates in order…) live in ``services``, whose errors
the view shows next to the field named in ``GRANT_ERROR_FIELDS``."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonground.action.funding.services import GrantData
from commonground.action.improvement.forms import DateInput
from commonground.action.models import Grant, Strategy

GRANT_ERROR_FIELDS = {
    "funder_missing": "funder",
    "title_missing": "title",
    "title_too_long": "title",
    "unknown_kind": "kind",
    "amount_missing": "amount",
    "amount_not_positive": "amount",
    "amount_too_large": "amount",
    "amount_precision": "amount",
    "dates_missing": "starts_on",
    "dates_reversed": "ends_on",
    "strategy_wrong_initiative": "strategies",
    "strategy_retired": "strategies",
}


class StrategyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, strategy):
        label = f"{strategy.goal.title} — {strategy.title}"
        return f"{label} ({_('retired')})" if strategy.is_retired else label


class GrantForm(forms.Form):
    """``funder`` is offered only to those who record any funder's grants; a funder records its
    own partner's (the view passes ``own_funder``)."""

    funder = forms.ModelChoiceField(
        queryset=None, label=_("Funder"), to_field_name="code", required=False
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Grant.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount (US dollars)"),
        help_text=_("The whole amount over the grant's dates, e.g. 250000."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    recipient = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Recipient"),
        to_field_name="code",
        empty_label=_("The backbone or the initiative as a whole"),
    )
    strategies = StrategyChoiceField(
        queryset=None,
        required=False,
        label=_("Strategies it supports"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A grant linked to at least one current strategy counts as aligned."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, initiative, own_funder=None, grant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_funder = own_funder
        partners = initiative.partnerships.select_related("organization")
        if own_funder is not None:
            del self.fields["funder"]
        else:
            self.fields["funder"].queryset = partners
            self.fields["funder"].required = True
        self.fields["recipient"].queryset = partners
        # Current strategies, and the retired ones the grant already supports (kept or dropped).
        current = Q(initiative=initiative, is_retired=False)
        if grant is not None:
            current |= Q(pk__in=grant.strategies.values("pk"))
        self.fields["strategies"].queryset = (
            Strategy.objects.filter(current)
            .select_related("goal")
            .order_by("goal__sort_order", "goal__code", "sort_order", "code")
        )

    @classmethod
    def initial_for(cls, grant: Grant) -> dict:
        return {
            "funder": grant.funder.code,
            "title": grant.title,
            "kind": grant.kind,
            "amount": grant.amount,
            "starts_on": grant.starts_on,
            "ends_on": grant.ends_on,
            "recipient": grant.recipient.code if grant.recipient else None,
            "strategies": [s.code for s in grant.strategies.all()],
            "notes": grant.notes,
        }

    def data_object(self) -> GrantData:
        d = self.cleaned_data
        return GrantData(
            funder=self.own_funder or d.get("funder"),
            title=d["title"],
            amount=d["amount"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            kind=d["kind"],
            recipient=d["recipient"],
            strategies=list(d["strategies"]),
            notes=d["notes"],
        )
