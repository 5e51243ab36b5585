from django import forms
from django.utils.translation import gettext_lazy as _

from commonground.api.tokens import NAME_MAX_LENGTH
from commonground.initiatives.models import Initiative


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        label=_("Name"),
        help_text=_("What the token is for, so you recognise it later, e.g. 'nightly upload'."),
    )
    initiative = forms.ModelChoiceField(
        queryset=Initiative.objects.none(),
        label=_("Initiative"),
        help_text=_("The token works in this initiative only, with your role there."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only where the person is a member (a superuser sees every initiative but has no role).
        initiatives = Initiative.objects.filter(
            memberships__user=user, memberships__is_active=True
        ).distinct()
        self.fields["initiative"].queryset = initiatives
        if len(initiatives) == 1:
            self.fields["initiative"].initial = initiatives[0]
