"""Discussions and announcements, stories of progress (internal and public), notifications and
the digest settings (with the unsubscribe link that needs no login)."""

from django.urls import path

from commonground.convening.views import discussions, notifications, stories

INSIDE = "i/<slug:slug>/"  # every page inside an initiative

urlpatterns = [
    # Discussions and announcements.
    path(f"{INSIDE}discussions/", discussions.ThreadListView.as_view(), name="thread_list"),
    path(f"{INSIDE}discussions/new/", discussions.ThreadCreateView.as_view(), name="thread_create"),
    path(
        f"{INSIDE}discussions/<int:pk>/",
        discussions.ThreadDetailView.as_view(),
        name="thread_detail",
    ),
    path(
        f"{INSIDE}discussions/<int:pk>/reply/", discussions.ReplyView.as_view(), name="thread_reply"
    ),
    path(
        f"{INSIDE}discussions/<int:pk>/posts/<int:post>/edit/",
        discussions.PostEditView.as_view(),
        name="post_edit",
    ),
    path(
        f"{INSIDE}announcements/new/",
        discussions.AnnouncementCreateView.as_view(),
        name="announcement_create",
    ),
    # Stories of progress.
    path(f"{INSIDE}stories/", stories.StoryListView.as_view(), name="story_list"),
    path(f"{INSIDE}stories/new/", stories.StoryCreateView.as_view(), name="story_create"),
    path(f"{INSIDE}stories/<int:pk>/", stories.StoryDetailView.as_view(), name="story_detail"),
    path(f"{INSIDE}stories/<int:pk>/edit/", stories.StoryEditView.as_view(), name="story_edit"),
    path(
        f"{INSIDE}stories/<int:pk>/publish/",
        stories.StoryPublishView.as_view(),
        name="story_publish",
    ),
    path(
        f"{INSIDE}stories/<int:pk>/unpublish/",
        stories.StoryUnpublishView.as_view(),
        name="story_unpublish",
    ),
    path(
        "public/<slug:slug>/stories/",
        stories.PublicStoryListView.as_view(),
        name="public_story_list",
    ),
    path(
        "public/<slug:slug>/stories/<int:pk>/",
        stories.PublicStoryDetailView.as_view(),
        name="public_story_detail",
    ),
    # Notifications and digests.
    path(
        f"{INSIDE}notifications/",
        notifications.NotificationListView.as_view(),
        name="notification_list",
    ),
    path(
        f"{INSIDE}notifications/read/",
        notifications.MarkReadView.as_view(),
        name="notification_mark_read",
    ),
    path(
        "accounts/notifications/",
        notifications.DigestSettingsView.as_view(),
        name="notification_settings",
    ),
    path(
        "accounts/notifications/unsubscribe/<str:token>/",
        notifications.UnsubscribeView.as_view(),
        name="digest_unsubscribe",
    ),
]
