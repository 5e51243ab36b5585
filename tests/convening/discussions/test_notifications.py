"""The notifications page, marking read, and the header's unread count."""

from django.test import RequestFactory
from django.urls import reverse

from commonground.convening.context_processors import unread_notifications
from commonground.convening.models import Notification
from commonground.convening.notify import notify
from commonground.core.access import get_access


def tell(world, persona="reporter_a", initiative=None, text="Something", url="/i/alpha/"):
    notify(
        [world.users[persona]],
        initiative=initiative or world.alpha,
        kind="test",
        text=text,
        url=url,
    )
    return Notification.objects.order_by("pk").last()


def page(world, persona="reporter_a"):
    return world.client(persona).get(reverse("notification_list", args=["alpha"]))


def test_the_page_lists_ones_own_notifications_of_this_initiative(world):
    tell(world, text="For the reporter")
    tell(world, persona="reporter_b", text="For someone else")
    world.users["reporter_a"].memberships.create(initiative=world.beta, role="viewer")
    tell(world, initiative=world.beta, text="In another initiative")
    html = page(world).content.decode()
    assert "For the reporter" in html
    assert "For someone else" not in html and "In another initiative" not in html
    assert "1 unread notification." in html
    assert "weekly e-mail digest" in html


def test_empty_state(world):
    html = page(world).content.decode()
    assert "Nothing yet." in html and "Mark all as read" not in html


def test_opening_a_notification_marks_it_read_and_goes_there(world):
    note = tell(world, url="/i/alpha/discussions/")
    response = world.client("reporter_a").post(
        reverse("notification_mark_read", args=["alpha"]), {"notification": note.pk, "open": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/i/alpha/discussions/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_one_then_all_read(world):
    first = tell(world, text="First")
    tell(world, text="Second")
    tell(world, text="Third")
    client = world.client("reporter_a")
    url = reverse("notification_mark_read", args=["alpha"])
    response = client.post(url, {"notification": first.pk})
    assert response["Location"] == reverse("notification_list", args=["alpha"])
    assert Notification.objects.filter(read_at=None).count() == 2
    client.post(url)
    assert Notification.objects.filter(read_at=None).count() == 0


def test_someone_elses_notification_is_404(world):
    note = tell(world)
    response = world.client("reporter_b").post(
        reverse("notification_mark_read", args=["alpha"]), {"notification": note.pk, "open": "1"}
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    garbage = world.client("reporter_a").post(
        reverse("notification_mark_read", args=["alpha"]), {"notification": "x"}
    )
    assert garbage.status_code == 404


def test_a_link_elsewhere_is_not_followed(world):
    note = tell(world, url="https://evil.example/phish")
    response = world.client("reporter_a").post(
        reverse("notification_mark_read", args=["alpha"]), {"notification": note.pk, "open": "1"}
    )
    assert response["Location"] == reverse("notification_list", args=["alpha"])


def test_the_page_queries_stay_flat(world, django_assert_max_num_queries):
    client = world.client("reporter_a")
    url = reverse("notification_list", args=["alpha"])
    tell(world)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(25):
        tell(world, text=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_unread_count_costs_one_query_and_only_when_shown(world, django_assert_num_queries):
    for _ in range(3):
        tell(world)
    tell(world, persona="reporter_b")
    request = RequestFactory().get("/i/alpha/")
    request.user = world.users["reporter_a"]
    request.access = get_access(request.user, "alpha")
    with django_assert_num_queries(0):
        context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"].count == 3
        assert context["unread_notifications"].count == 3  # counted once
    assert context["unread_notifications"].url == "/i/alpha/notifications/"
    outside = RequestFactory().get("/")
    outside.user = world.users["reporter_a"]
    assert unread_notifications(outside) == {}
