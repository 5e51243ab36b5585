"""The account's API tokens page: create a token (its secret shown once), list, revoke.

Thin views over ``api.tokens``; the page is the person's own, outside any initiative.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from commonground.api import tokens
from commonground.api.forms import TokenForm
from commonground.api.models import ApiToken
from commonground.core.errors import DomainError


class TokenListView(LoginRequiredMixin, View):
    template_name = "api/tokens.html"

    def render_page(self, form, secret=None, created=None, status=200):
        context = {
            "form": form,
            "tokens": tokens.tokens_of(self.request.user),
            "secret": secret,
            "created": created,
            "docs_url": reverse("api_docs"),
        }
        response = render(self.request, self.template_name, context, status=status)
        if secret:
            response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
        return response

    def get(self, request):
        return self.render_page(TokenForm(user=request.user))

    def post(self, request):
        form = TokenForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        try:
            token, secret = tokens.create_token(
                actor=request.user,
                initiative=form.cleaned_data["initiative"],
                name=form.cleaned_data["name"],
            )
        except DomainError as error:
            form.add_error("name", error.message)
            return self.render_page(form)
        return self.render_page(TokenForm(user=request.user), secret=secret, created=token)


class RevokeTokenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        try:
            tokens.revoke_token(actor=request.user, token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The token “%(name)s” is revoked: it opens nothing any more.")
                % {"name": token.name},
            )
        return redirect("api_tokens")
