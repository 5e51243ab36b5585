from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.initiatives.models import Organization, Partnership
from commonground.initiatives.roles import Role


class PartnerProfileForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", label=_("Website"))

    class Meta:
        model = Organization
        fields = ["name", "sector", "annual_budget", "website", "description"]
        labels = {"annual_budget": _("Annual budget (US dollars)")}


class MembershipForm(forms.Form):
    """Role (and, for partner roles, the partner) of an invitation or a membership."""

    # No role is preselected: inviting a backbone lead by accident would give away everything.
    role = forms.ChoiceField(choices=[("", _("Choose a role")), *Role.choices], label=_("Role"))
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        required=False,
        label=_("Partner"),
        help_text=_(
            "Required for partner leads and partner reporters; a funder may name its foundation."
        ),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = initiative.partnerships.select_related("organization")


class InvitationForm(MembershipForm):
    email = forms.EmailField(label=_("E-mail address"))
    field_order = ["email", "role", "partnership"]


class AcceptInvitationForm(forms.Form):
    """Sign-up for a person invited by e-mail who has no account yet."""

    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    password1 = forms.CharField(widget=forms.PasswordInput, label=_("Password"))
    password2 = forms.CharField(widget=forms.PasswordInput, label=_("Password again"))

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data
