"""Stories of progress — the story behind the data — inside the initiative and in public.

Members read published stories; anyone who may post drafts one, and those who may publish
stories review, edit and publish it. The public pages exist for public initiatives only and show
published stories only; an indicator is named and linked there only if it is published itself.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.convening.discussions import public_stories, visible_stories
from commonground.convening.models import Story
from commonground.convening.services import discussions as services
from commonground.convening.views.discussions import BODY_HELP, FormPage, submit_form
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.initiatives.models import Initiative
from commonground.insight.markdown import render_story
from commonground.measurement.models import Indicator

EXCERPT_WORDS = 40


class StoryForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=services.MAX_TITLE)
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("The indicator it is about"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("None"),
        help_text=gettext_lazy("The story is shown with that indicator's data."),
    )
    working_group = forms.ModelChoiceField(
        label=gettext_lazy("Working group"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("None: the whole initiative"),
    )
    body = forms.CharField(
        label=gettext_lazy("The story"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=BODY_HELP,
        max_length=services.MAX_BODY,
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            initiative=initiative
        ).order_by("sort_order", "name")
        self.fields["working_group"].queryset = initiative.working_groups.all()


def excerpt(story: Story) -> str:
    """The story's opening words as plain text, for lists."""
    text = strip_tags(render_story(story.body))
    return Truncator(" ".join(text.split())).words(EXCERPT_WORDS)


def _with_excerpts(stories):
    stories = list(stories)
    for story in stories:
        story.excerpt = excerpt(story)
    return stories


def _listed(stories):
    return stories.select_related("indicator", "working_group", "author").order_by(
        "-published_at", "-created_at"
    )


class StoryListView(InitiativeViewMixin, TemplateView):
    """Published stories, newest first; drafts for their author and for the reviewers."""

    nav = "stories"
    template_name = "convening/stories/story_list.html"

    def get_context_data(self, **kwargs):
        stories = _with_excerpts(_listed(visible_stories(self.access)))
        return super().get_context_data(
            published=[s for s in stories if s.status == Story.Status.PUBLISHED],
            drafts=[s for s in stories if s.status == Story.Status.DRAFT],
            can_draft=self.access.has(Perm.POST_DISCUSSIONS),
            can_publish=self.access.has(Perm.PUBLISH_STORIES),
            **kwargs,
        )


class StoryMixin(InitiativeViewMixin):
    nav = "stories"

    def get_story(self) -> Story:
        return get_object_or_404(
            visible_stories(self.access).select_related(
                "indicator", "working_group", "author", "initiative"
            ),
            pk=self.kwargs["pk"],
        )


class StoryDetailView(StoryMixin, TemplateView):
    template_name = "convening/stories/story_detail.html"

    def get_context_data(self, **kwargs):
        story = self.get_story()
        indicator_url = None
        if story.indicator is not None:
            name = "indicator_report" if self.access.has(Perm.VIEW_RESULTS) else "indicator_detail"
            indicator_url = reverse(name, args=[self.initiative.slug, story.indicator.code])
        return super().get_context_data(
            story=story,
            body=render_story(story.body),
            indicator_url=indicator_url,
            can_edit=services.may_edit_story(self.access, story),
            can_publish=self.access.has(Perm.PUBLISH_STORIES),
            public_url=(
                reverse("public_story_detail", args=[self.initiative.slug, story.pk])
                if self.initiative.is_public and story.status == Story.Status.PUBLISHED
                else None
            ),
            **kwargs,
        )


class StoryFormMixin(FormPage):
    template_name = "convening/stories/story_form.html"


class StoryCreateView(StoryFormMixin, InitiativeViewMixin, View):
    permission = Perm.POST_DISCUSSIONS
    nav = "stories"

    def get(self, request, slug):
        indicator = Indicator.objects.filter(
            initiative=self.initiative, code=request.GET.get("indicator", "")
        ).first()
        return self.render_form(
            StoryForm(initiative=self.initiative, initial={"indicator": indicator})
        )

    def post(self, request, slug):
        form = StoryForm(request.POST, initiative=self.initiative)
        story = submit_form(
            form, services.draft_story, actor=request.user, initiative=self.initiative
        )
        if story is not None:
            if not self.access.has(Perm.PUBLISH_STORIES):
                messages.success(request, _("Your draft was sent for review."))
            return redirect("story_detail", slug=slug, pk=story.pk)
        return self.render_form(form, 400)


class StoryEditView(StoryFormMixin, StoryMixin, View):
    """Its author while it is a draft; reviewers always; anyone else gets 404."""

    permission = Perm.POST_DISCUSSIONS

    def get_editable(self) -> Story:
        story = self.get_story()
        if not services.may_edit_story(self.access, story):
            raise Http404
        return story

    def get(self, request, slug, pk):
        story = self.get_editable()
        initial = {name: getattr(story, name) for name in StoryForm.base_fields}
        return self.render_form(StoryForm(initiative=self.initiative, initial=initial), story=story)

    def post(self, request, slug, pk):
        story = self.get_editable()
        form = StoryForm(request.POST, initiative=self.initiative)
        if submit_form(form, services.edit_story, actor=request.user, story=story) is not None:
            return redirect("story_detail", slug=slug, pk=pk)
        return self.render_form(form, 400, story=story)


class StoryStatusView(StoryMixin, View):
    permission = Perm.PUBLISH_STORIES
    service = None
    done = ""

    def post(self, request, slug, pk):
        story = self.get_story()
        try:
            type(self).service(actor=request.user, story=story)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done)
        return redirect("story_detail", slug=slug, pk=pk)


class StoryPublishView(StoryStatusView):
    service = services.publish_story
    done = gettext_lazy("The story is published.")


class StoryUnpublishView(StoryStatusView):
    service = services.unpublish_story
    done = gettext_lazy("The story is back to draft; it is no longer shown in public.")


# Public ---------------------------------------------------------------------------------------


class PublicStoryMixin:
    def get_initiative(self) -> Initiative:
        return get_object_or_404(Initiative, slug=self.kwargs["slug"], is_public=True)


class PublicStoryListView(PublicStoryMixin, TemplateView):
    template_name = "convening/stories/public_story_list.html"

    def get_context_data(self, **kwargs):
        initiative = self.get_initiative()
        stories = _with_excerpts(_listed(public_stories(initiative)))
        return super().get_context_data(initiative=initiative, stories=stories, **kwargs)


class PublicStoryDetailView(PublicStoryMixin, TemplateView):
    template_name = "convening/stories/public_story_detail.html"

    def get_context_data(self, **kwargs):
        initiative = self.get_initiative()
        story = get_object_or_404(
            public_stories(initiative).select_related("indicator", "working_group"),
            pk=self.kwargs["pk"],
        )
        # An unpublished indicator does not exist publicly: the story does not name it.
        indicator = story.indicator if story.indicator and story.indicator.is_published else None
        return super().get_context_data(
            initiative=initiative,
            story=story,
            body=render_story(story.body),
            indicator=indicator,
            indicator_url=(
                reverse("public_indicator_report", args=[initiative.slug, indicator.code])
                if indicator
                else None
            ),
            **kwargs,
        )
