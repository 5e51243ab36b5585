"""The webhook form: where to send and which events (the service checks the address)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.webhooks.events import EVENTS


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Payload URL"),
        max_length=500,
        help_text=_(
            "Where Commonground sends a signed POST for each event (https:// in production). "
            "Redirects are not followed."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks/commonground"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
    )
    is_active = forms.BooleanField(
        label=_("Active (send events to this URL)"), required=False, initial=True
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:  # a new webhook starts active
            del self.fields["is_active"]
