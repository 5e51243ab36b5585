"""URLs of the self-assessments, the evaluation planner and community voice."""

from django.urls import path

from commonground.backbone.views import assessments, community_voice, evaluation

urlpatterns = [
    # Self-assessments
    path(
        "i/<slug:slug>/assessments/",
        assessments.AssessmentListView.as_view(),
        name="assessment_list",
    ),
    path(
        "i/<slug:slug>/assessments/new/",
        assessments.RoundCreateView.as_view(),
        name="assessment_round_create",
    ),
    path(
        "i/<slug:slug>/assessments/<int:pk>/",
        assessments.RoundView.as_view(),
        name="assessment_round",
    ),
    path(
        "i/<slug:slug>/assessments/<int:pk>/open/",
        assessments.RoundOpenView.as_view(),
        name="assessment_round_open",
    ),
    path(
        "i/<slug:slug>/assessments/<int:pk>/close/",
        assessments.RoundCloseView.as_view(),
        name="assessment_round_close",
    ),
    path(
        "i/<slug:slug>/assessments/<int:pk>/answer/",
        assessments.AnswerView.as_view(),
        name="assessment_answer",
    ),
    path(
        "i/<slug:slug>/assessments/<int:pk>/benchmarks/<str:code>/",
        assessments.BenchmarkView.as_view(),
        name="assessment_benchmark",
    ),
    # The evaluation planner
    path("i/<slug:slug>/evaluation/", evaluation.PlanView.as_view(), name="evaluation_plan"),
    path(
        "i/<slug:slug>/evaluation/library/",
        evaluation.LibraryView.as_view(),
        name="evaluation_library",
    ),
    path(
        "i/<slug:slug>/evaluation/library/adopt/",
        evaluation.AdoptView.as_view(),
        name="evaluation_adopt",
    ),
    path(
        "i/<slug:slug>/evaluation/new/",
        evaluation.PlanItemFormView.as_view(),
        name="evaluation_item_create",
    ),
    path(
        "i/<slug:slug>/evaluation/<int:pk>/",
        evaluation.PlanItemFormView.as_view(),
        name="evaluation_item_edit",
    ),
    path(
        "i/<slug:slug>/evaluation/<int:pk>/remove/",
        evaluation.PlanItemRemoveView.as_view(),
        name="evaluation_item_remove",
    ),
    # Community voice
    path(
        "i/<slug:slug>/community-voice/",
        community_voice.CommunityVoiceView.as_view(),
        name="community_voice",
    ),
    path(
        "i/<slug:slug>/community-voice/settings/",
        community_voice.VoiceSettingsView.as_view(),
        name="community_voice_settings",
    ),
    path(
        "i/<slug:slug>/community-voice/residents/",
        community_voice.ResidentsView.as_view(),
        name="community_voice_residents",
    ),
    path(
        "i/<slug:slug>/community-voice/residents/<int:pk>/",
        community_voice.ResidentSetView.as_view(),
        name="community_voice_resident_set",
    ),
]
