from django.urls import include, path

from commonground.initiatives import views

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("i/<slug:slug>/", views.InitiativeHomeView.as_view(), name="initiative_home"),
    path("i/<slug:slug>/partners/", views.PartnerListView.as_view(), name="partner_list"),
    path(
        "i/<slug:slug>/partners/<slug:code>/",
        views.PartnerDetailView.as_view(),
        name="partner_detail",
    ),
    path(
        "i/<slug:slug>/partners/<slug:code>/edit/",
        views.PartnerEditView.as_view(),
        name="partner_edit",
    ),
    path("i/<slug:slug>/people/", views.PeopleView.as_view(), name="people"),
    path("i/<slug:slug>/people/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "i/<slug:slug>/people/<int:pk>/change/",
        views.MembershipChangeView.as_view(),
        name="membership_change",
    ),
    path(
        "i/<slug:slug>/invitations/<int:pk>/revoke/",
        views.RevokeInvitationView.as_view(),
        name="invitation_revoke",
    ),
    path("", include("commonground.initiatives.working_groups.urls")),
]
