"""The settings page: the username's help, the time zone list, and how cheaply it renders."""

import pytest
from django.test.signals import template_rendered

from progress.models import LearnerProfile

pytestmark = pytest.mark.django_db


def test_the_username_help_names_the_learners_own_public_address(alice_client):
    html = alice_client.get("/accounts/settings/").content.decode()

    assert "<code>/u/alice/</code>" in html
    assert "/u//" not in html
    assert "<username>" not in html


def test_the_time_zones_come_grouped_by_region_with_the_saved_one_chosen(alice_client, alice):
    LearnerProfile.objects.create(user=alice, time_zone="America/Argentina/Buenos_Aires")

    html = alice_client.get("/accounts/settings/").content.decode()

    assert '<optgroup label="Europe"><option value="Europe/Amsterdam">Amsterdam</option>' in html
    assert (
        '<option value="America/Argentina/Buenos_Aires" selected>Argentina/Buenos Aires</option>'
        in html
    )
    assert html.count(" selected>") == 1


def test_a_zone_that_is_not_in_the_list_is_refused_with_a_message(alice_client, alice):
    data = {"username": "alice", "time_zone": "Mars/Olympus_Mons"}

    response = alice_client.post("/accounts/settings/", data)

    assert response.status_code == 400
    assert "is not a time zone. Choose one from the list." in response.content.decode()
    assert not LearnerProfile.objects.filter(user=alice).exclude(time_zone="UTC").exists()


def test_the_600_zones_render_without_a_template_each(alice_client):
    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        alice_client.get("/accounts/settings/")
    finally:
        template_rendered.disconnect(count)

    assert len(rendered) < 40, sorted(set(rendered))


def test_a_zone_from_the_list_is_saved_and_shown_chosen(alice_client, alice):
    data = {"username": "alice", "time_zone": "Pacific/Chatham"}

    response = alice_client.post("/accounts/settings/", data)

    assert response.status_code == 302
    assert LearnerProfile.objects.get(user=alice).time_zone == "Pacific/Chatham"
    html = alice_client.get("/accounts/settings/").content.decode()
    assert '<option value="Pacific/Chatham" selected>Chatham</option>' in html
    assert html.count(" selected>") == 1


@pytest.mark.parametrize("zone", ["", "utc ", "Europe", "Europe/Paris/Extra", "<script>"])
def test_a_bogus_zone_is_a_form_error_not_a_save(alice_client, alice, zone):
    response = alice_client.post("/accounts/settings/", {"username": "alice", "time_zone": zone})

    assert response.status_code == 400
    assert response.context["form"].errors["time_zone"]
    assert "<script>" not in response.content.decode()
    assert not LearnerProfile.objects.filter(user=alice).exclude(time_zone="UTC").exists()
