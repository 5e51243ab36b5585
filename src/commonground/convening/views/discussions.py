"""Discussion pages: the threads of the initiative and its working groups, one thread with its
posts and the reply form, starting a thread, announcing, editing a post.

Every member reads every thread (``convening.discussions`` says why); writing needs
``POST_DISCUSSIONS``, announcing ``ANNOUNCE``. The services check again and say what is wrong.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from commonground.convening.discussions import handle_for, mentionable_members
from commonground.convening.models import Post, Thread
from commonground.convening.services import discussions as services
from commonground.core.access import InitiativeViewMixin
from commonground.core.errors import DomainError
from commonground.core.permissions import Perm
from commonground.insight.markdown import render_story

BODY_HELP = gettext_lazy(
    "Markdown: **bold**, *italic*, [a link](https://…), lists, > quotes. "
    "Mention a member with @first.last to tell them."
)
WHOLE_INITIATIVE = "initiative"  # the filter value for threads of no working group


class PostForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
        max_length=services.MAX_BODY,
    )


class AnnouncementForm(PostForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=services.MAX_TITLE)
    field_order = ["title", "body"]


class ThreadForm(AnnouncementForm):
    working_group = forms.ModelChoiceField(
        label=gettext_lazy("Where"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The whole initiative"),
        help_text=gettext_lazy("A working group's people are told of its new threads."),
    )
    field_order = ["title", "working_group", "body"]

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = initiative.working_groups.all()


class FormPage:
    """A page with one form: ``render_form`` shows it, with its errors (status 400) if any."""

    template_name = ""

    def render_form(self, form, status=200, **context):
        context["form"] = form
        if hasattr(self, "initiative"):
            context |= {"initiative": self.initiative, "nav": self.nav}
        return render(self.request, self.template_name, context, status=status)


def submit_form(form, service, **kwargs):
    """Call ``service`` with ``kwargs`` and the form's fields (named as its arguments) if the
    form is valid; ``None`` if it is not, or if the service refuses (its message then stands on
    the form)."""
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return None


class ThreadListView(InitiativeViewMixin, TemplateView):
    """Threads, most recently active first, of the whole initiative or one working group."""

    nav = "discussions"
    template_name = "convening/discussions/thread_list.html"
    page_size = 25

    def get_context_data(self, **kwargs):
        groups = list(self.initiative.working_groups.all())
        chosen = self.request.GET.get("group", "")
        threads = (
            Thread.objects.filter(initiative=self.initiative)
            .select_related("working_group", "created_by")
            .annotate(post_count=Count("posts"))
            .order_by("-is_pinned", "-last_post_at", "-pk")
        )
        current = None
        if chosen == WHOLE_INITIATIVE:
            threads = threads.filter(working_group=None)
        elif chosen:
            current = next((g for g in groups if g.code == chosen), None)
            if current is None:
                chosen = ""
            else:
                threads = threads.filter(working_group=current)
        page = Paginator(threads, self.page_size).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            groups=groups,
            chosen=chosen,
            current_group=current,
            whole_initiative=WHOLE_INITIATIVE,
            can_post=self.access.has(Perm.POST_DISCUSSIONS),
            can_announce=self.access.has(Perm.ANNOUNCE),
            **kwargs,
        )


class ThreadMixin(InitiativeViewMixin):
    nav = "discussions"

    def get_thread(self) -> Thread:
        return get_object_or_404(
            Thread.objects.select_related("working_group", "created_by", "initiative"),
            initiative=self.initiative,
            pk=self.kwargs["pk"],
        )


class ThreadDetailView(ThreadMixin, TemplateView):
    """A thread's posts in order, who they mention, and the reply form for those who post."""

    template_name = "convening/discussions/thread_detail.html"

    def get_context_data(self, **kwargs):
        thread = self.get_thread()
        posts = list(
            thread.posts.select_related("author").prefetch_related("mentions").order_by("pk")
        )
        for post in posts:
            post.html = render_story(post.body)
            post.can_edit = services.may_edit_post(self.access, post)
        can_post = self.access.has(Perm.POST_DISCUSSIONS)
        context = {"thread": thread, "posts": posts, "can_post": can_post}
        if can_post:
            context["form"] = kwargs.pop("form", None) or PostForm()
            context["handles"] = [
                (handle_for(person), person) for person in mentionable_members(self.initiative)
            ]
        return super().get_context_data(**context, **kwargs)


class ReplyView(ThreadMixin, View):
    permission = Perm.POST_DISCUSSIONS

    def post(self, request, slug, pk):
        thread = self.get_thread()
        form = PostForm(request.POST)
        post = submit_form(form, services.reply, actor=request.user, thread=thread)
        if post is not None:
            return redirect(services.post_url(post))
        view = ThreadDetailView.as_view()
        request.method = "GET"
        response = view(request, slug=slug, pk=pk, form=form)
        response.status_code = 400
        return response


class ThreadCreateView(FormPage, InitiativeViewMixin, View):
    permission = Perm.POST_DISCUSSIONS
    nav = "discussions"
    template_name = "convening/discussions/thread_form.html"

    def get(self, request, slug):
        group = self.initiative.working_groups.filter(code=request.GET.get("group", "")).first()
        return self.render_form(
            ThreadForm(initiative=self.initiative, initial={"working_group": group})
        )

    def post(self, request, slug):
        form = ThreadForm(request.POST, initiative=self.initiative)
        thread = submit_form(
            form, services.start_thread, actor=request.user, initiative=self.initiative
        )
        if thread is not None:
            return redirect("thread_detail", slug=slug, pk=thread.pk)
        return self.render_form(form, status=400)


class AnnouncementCreateView(FormPage, InitiativeViewMixin, View):
    permission = Perm.ANNOUNCE
    nav = "discussions"
    template_name = "convening/discussions/thread_form.html"

    def render_form(self, form, status=200):
        return super().render_form(form, status, announcement=True)

    def get(self, request, slug):
        return self.render_form(AnnouncementForm())

    def post(self, request, slug):
        form = AnnouncementForm(request.POST)
        thread = submit_form(
            form, services.announce, actor=request.user, initiative=self.initiative
        )
        if thread is not None:
            messages.success(request, _("The announcement was sent to every member."))
            return redirect("thread_detail", slug=slug, pk=thread.pk)
        return self.render_form(form, status=400)


class PostEditView(FormPage, ThreadMixin, View):
    """Its author, within the edit window, or a moderator; anyone else gets 404."""

    permission = Perm.POST_DISCUSSIONS
    template_name = "convening/discussions/post_form.html"

    def get_post(self) -> Post:
        post = get_object_or_404(
            Post.objects.select_related("thread", "author"),
            thread__initiative=self.initiative,
            thread_id=self.kwargs["pk"],
            pk=self.kwargs["post"],
        )
        if not services.may_edit_post(self.access, post):
            raise Http404
        return post

    def get(self, request, slug, pk, post):
        found = self.get_post()
        return self.render_form(
            PostForm(initial={"body": found.body}), post=found, thread=found.thread
        )

    def post(self, request, slug, pk, post):
        found = self.get_post()
        form = PostForm(request.POST)
        edited = submit_form(form, services.edit_post, actor=request.user, post=found)
        if edited is not None:
            return redirect(services.post_url(edited))
        return self.render_form(form, 400, post=found, thread=found.thread)
