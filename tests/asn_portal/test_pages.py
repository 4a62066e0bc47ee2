import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "inspektur", "operator", "supervisor", "staff_a", "outsider"])
def test_every_role_sees_a_dashboard(city, login, who):
    client = login(city.user(who))

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_directory_and_profile_render_for_hr(city, login):
    client = login(city.admin)

    listing = client.get(reverse("portal:employee-list"), {"q": "Siti"})
    profile = client.get(reverse("portal:employee-detail", args=[city.supervisor.pk]))

    assert listing.status_code == 200
    assert "Siti Rahmawati" in listing.content.decode()
    assert profile.status_code == 200
    assert city.supervisor.formatted_nip in profile.content.decode()
