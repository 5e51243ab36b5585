"""Community voice: residents' share of each body and of the initiative, the pages, and the
public block."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse

from commonground.backbone.community_voice import community_voice, public_community_voice
from commonground.initiatives.models import Membership, WorkingGroup


def url(name, *args):
    return reverse(name, args=["alpha", *args])


def resident(world, *personas):
    Membership.objects.filter(
        initiative=world.alpha, user__in=[world.users[p] for p in personas]
    ).update(is_resident=True)


def bodies(world):
    steering = WorkingGroup.objects.create(
        initiative=world.alpha, code="steering", name="Steering", kind="steering_committee"
    )
    steering.members.set(
        [world.users[p] for p in ("lead", "steering", "partner_lead_a", "funder", "outsider")]
    )
    network = WorkingGroup.objects.create(initiative=world.alpha, code="early", name="Early years")
    network.members.set([world.users[p] for p in ("facilitator", "reporter_a", "reporter_b")])
    WorkingGroup.objects.create(initiative=world.alpha, code="empty", name="Advisory")
    return steering, network


def test_shares_per_body_and_for_the_whole_initiative(world, django_assert_num_queries):
    bodies(world)
    resident(world, "steering", "reporter_a", "viewer")
    # The outsider sits in the steering committee's list but is not a member of alpha.
    Membership.objects.filter(user=world.users["funder"]).update(is_active=False)
    world.alpha.population_served = "The children of Alpha."
    with django_assert_num_queries(2):
        voice = community_voice(world.alpha)
    rows = [(r.name, r.members, r.residents, r.percent) for r in voice.bodies]
    assert rows == [
        ("Steering", 3, 1, Decimal("33")),  # lead, steering, partner lead A
        ("Advisory", 0, 0, None),
        ("Early years", 3, 1, Decimal("33")),
    ]
    assert (voice.whole.members, voice.whole.residents, voice.whole.percent) == (
        8,
        3,
        Decimal("38"),  # 3/8 = 37.5 %: halves to even
    )
    assert voice.population_served == "The children of Alpha."


def test_the_console_page_shows_counts_never_names(world):
    bodies(world)
    resident(world, "steering")
    html = world.client("facilitator").get(url("community_voice")).content.decode()
    assert "Residents in each body" in html and "25%" in html  # 1 of 4
    assert "Steering" in html and "Who is a resident" not in html  # the lead's pages
    assert "Not shown on the public page." in html


def test_the_lead_marks_residents(world):
    membership = Membership.objects.get(user=world.users["reporter_b"], initiative=world.alpha)
    client = world.client("lead")
    html = client.get(url("community_voice_residents")).content.decode()
    assert "Reporter B" in html and "Mark as resident" in html
    response = client.post(url("community_voice_resident_set", membership.pk), {"is_resident": "1"})
    assert response["Location"] == f"{url('community_voice_residents')}#member-{membership.pk}"
    membership.refresh_from_db()
    assert membership.is_resident
    theirs = Membership.objects.get(user=world.users["outsider"])
    response = client.post(url("community_voice_resident_set", theirs.pk), {"is_resident": "1"})
    assert response.status_code == 404


def test_settings_and_the_public_block(world):
    bodies(world)
    resident(world, "steering")
    assert public_community_voice(world.alpha) is None  # not chosen yet
    response = world.client("lead").post(
        url("community_voice_settings"),
        {"population_served": "The 24,000 children of Alpha.", "show_community_voice": "on"},
    )
    assert response.status_code == 302
    world.alpha.refresh_from_db()
    voice = public_community_voice(world.alpha)
    html = render_to_string("backbone/community_voice/_public.html", {"community_voice": voice})
    assert "The 24,000 children of Alpha." in html and "25%" in html
    assert "Steering" in html and "Steering Member" not in html
    world.beta.show_community_voice = True  # chosen, but beta has no public page
    assert public_community_voice(world.beta) is None
