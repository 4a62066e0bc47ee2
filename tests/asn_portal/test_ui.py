"""Server-side checks of the UI shell: the menu follows the role, the dashboard shows each role
its own blocks, every filter has a label, the error and account pages are SIGAP's own, and the
language switch works. Browser behaviour is in tests/e2e."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    """Pages in English, whatever the compiled catalogues say, so assertions read the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


class _FormControls(HTMLParser):
    """Collects the labelled controls of one form: ids of visible inputs and selects, and the
    `for` of every label."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.controls: dict[str, str] = {}  # name -> id
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.controls[attrs.get("name", "?")] = attrs.get("id", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _nav(html: str) -> str:
    start = html.index('data-testid="main-nav"')
    return html[start : html.index("</ul>", start)]


# --- Navbar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_import", "sees_audit"),
    [
        ("admin", True, True),
        ("operator", True, False),
        ("inspektur", True, True),  # imports sanctions and filings; reads who read what
        ("supervisor", False, False),
        ("staff_a", False, False),
    ],
)
def test_the_menu_offers_import_and_audit_only_to_roles_that_can_use_them(city, login, who, sees_import, sees_audit):
    client = login(city.user(who))

    nav = _nav(client.get(reverse("portal:dashboard")).content.decode())

    assert ('data-testid="nav-import"' in nav) is sees_import
    # The audit trail is in the account menu (a page of occasional use); the main menu keeps
    # room for the entries of every day.
    assert ('data-testid="nav-audit"' in nav) is False
    assert ('data-testid="nav-audit"' in client.get(reverse("portal:dashboard")).content.decode()) is sees_audit


@pytest.mark.parametrize(
    ("who", "sees_directory"), [("admin", True), ("operator", True), ("supervisor", True), ("staff_a", False)]
)
def test_the_menu_links_the_directory_for_hr_and_supervisors_but_not_for_a_plain_employee(
    city, login, who, sees_directory
):
    client = login(city.user(who))

    nav = _nav(client.get(reverse("portal:dashboard")).content.decode())

    assert ('data-testid="nav-directory"' in nav) is sees_directory


def test_the_account_menu_names_the_roles_of_the_user(city, login, english):
    client = login(city.operator.user)

    html = client.get(reverse("portal:dashboard")).content.decode()
    badges = html[
        html.index('data-testid="role-badges"') : html.index("</div>", html.index('data-testid="role-badges"'))
    ]

    assert "Operator OPD" in badges
    assert "Employee" in badges
    assert "Admin BKPP" not in badges


# --- Dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_headcount"),
    [("admin", True), ("operator", True), ("supervisor", False), ("staff_a", False), ("outsider", False)],
)
def test_the_dashboard_shows_the_headcount_only_to_hr_roles(city, login, who, sees_headcount):
    client = login(city.user(who))

    response = client.get(reverse("portal:dashboard"))

    html = response.content.decode()
    assert ('data-testid="headcount"' in html) is sees_headcount
    assert ('id="chart-rank"' in html) is sees_headcount


def test_the_operators_headcount_counts_only_their_opd(city, login):
    client = login(city.operator.user)

    response = client.get(reverse("portal:dashboard"))

    # Dinkes has the operator, the supervisor and two staff; Disdik's teacher is not counted.
    assert response.context["headcount"]["total"] == 4
    assert 'data-testid="headcount-total">4<' in response.content.decode()


def test_the_headcount_tells_how_many_pppk_the_golongan_chart_leaves_out(city, login):
    EmployeeFactory(unit=city.disdik, employment_type="pppk", pppk_grade=9)
    client = login(city.admin)

    headcount = client.get(reverse("portal:dashboard")).context["headcount"]

    assert headcount["without_rank"] == 1
    assert sum(row["count"] for row in headcount["by_rank"]) == headcount["total"] - 1


def test_the_dashboard_reuses_the_headcount_per_scope_in_every_language(city, login, settings, monkeypatch):
    """City-wide grouped counts are reused (asn_portal.cache.dashboard_figure) per scope and
    day; the labels are translated after reading, so Indonesian and English share one count."""
    from django.core.cache import cache
    from django.utils import timezone

    from asn_portal import selectors

    settings.SIGAP_DASHBOARD_CACHE_SECONDS = 300
    today = timezone.localdate().isoformat()
    for scope in ("all", f"opd-{city.dinkes.pk}"):
        cache.delete(f"sigap:dashboard:headcount:{scope}:{today}")
    counted = []
    count = selectors.headcount_counts
    monkeypatch.setattr(selectors, "headcount_counts", lambda scope: counted.append(1) or count(scope))
    bkpp = login(city.admin)

    first = bkpp.get(reverse("portal:dashboard"))
    EmployeeFactory(unit=city.disdik)  # counted only when the figure is computed again
    second = bkpp.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    operator = login(city.operator.user).get(reverse("portal:dashboard"))

    assert first.context["headcount"]["total"] == second.context["headcount"]["total"]
    assert len(counted) == 2  # BKPP's second view reused the first count; the operator has their own
    assert operator.context["headcount"]["total"] == 4
    labels = {row["code"]: row["label"] for row in second.context["headcount"]["by_type"]}
    first_labels = {row["code"]: row["label"] for row in first.context["headcount"]["by_type"]}
    assert labels.keys() == first_labels.keys()
    assert 'data-testid="headcount-counted">' in second.content.decode()

    settings.SIGAP_DASHBOARD_CACHE_SECONDS = 0
    live = login(city.admin).get(reverse("portal:dashboard"))
    assert live.context["headcount"]["total"] == first.context["headcount"]["total"] + 1


def test_a_supervisor_sees_the_team_on_the_dashboard(city, login):
    client = login(city.supervisor.user)

    response = client.get(reverse("portal:dashboard"))

    html = response.content.decode()
    assert 'data-testid="team"' in html
    assert city.staff_a.full_name in html
    assert city.staff_b.full_name in html


def test_an_employee_without_subordinates_sees_a_profile_summary_and_no_team(city, login):
    client = login(city.staff_a.user)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert 'data-testid="my-summary"' in html
    assert city.staff_a.formatted_nip in html
    assert 'data-testid="team"' not in html


# --- Directory ------------------------------------------------------------------------------


def test_every_control_of_the_directory_search_has_a_label(city, login):
    client = login(city.admin)
    parser = _FormControls("directory-form")

    parser.feed(client.get(reverse("portal:employee-list")).content.decode())

    expected = {"q", "opd", "rank", "position_kind", "employment_type", "status", "per_page"}
    assert set(parser.controls) == expected
    unlabelled = {name for name, id_ in parser.controls.items() if not id_ or id_ not in parser.labels}
    assert unlabelled == set()


def test_the_directory_search_is_a_plain_get_form_so_it_works_without_javascript(city, login):
    client = login(city.admin)

    html = client.get(reverse("portal:employee-list"), {"q": "Budi"}).content.decode()

    start = html.index('<form id="directory-form"')
    opening_tag = html[start : html.index(">", start)]
    assert 'method="get"' in opening_tag
    assert f'action="{reverse("portal:employee-list")}"' in opening_tag
    assert 'type="submit"' in html[start : html.index("</form>", start)]
    assert city.staff_a.full_name in html
    assert city.staff_b.full_name not in html


def test_a_live_search_request_gets_only_the_results(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-list"), {"q": "Dewi"}, headers={"hx-request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert city.staff_b.full_name in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page_again(city, login):
    client = login(city.admin)

    response = client.get(
        reverse("portal:employee-list"),
        {"q": "Dewi"},
        headers={"hx-request": "true", "hx-history-restore-request": "true"},
    )

    assert "<html" in response.content.decode()


def test_the_directory_pages_results_at_the_chosen_size_and_counts_them(city, login, english):
    EmployeeFactory.create_batch(12, unit=city.disdik)
    client = login(city.admin)

    response = client.get(reverse("portal:employee-list"), {"per_page": "10", "page": "2"})

    html = response.content.decode()
    assert len(response.context["page"].object_list) == 7  # 5 of the city + 12 new = 17
    assert "17 employees found" in html
    assert '<option value="10" selected>' in html
    assert "per_page=10" in html  # the page links keep the size


def test_the_directory_lists_in_the_same_number_of_queries_whatever_the_page_size(city, login):
    EmployeeFactory.create_batch(20, unit=city.disdik)
    client = login(city.admin)
    client.get(reverse("portal:employee-list"))  # warm up the session and content-type caches

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:employee-list"), {"per_page": "10"})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:employee-list"), {"per_page": "25"})

    assert len(many) == len(few)


def test_a_search_without_results_says_what_to_do_next(city, login, english):
    client = login(city.admin)

    html = client.get(reverse("portal:employee-list"), {"q": "Zzyzx"}).content.decode()

    assert "No employee matches this search" in html
    assert "Clear search and filters" in html


# --- Profile --------------------------------------------------------------------------------


def test_the_profile_opens_on_personal_data_and_lists_the_registered_sections(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]))

    assert response.context["active_tab"] == "data"
    html = response.content.decode()
    for slug in ("pangkat", "jabatan", "pendidikan", "diklat", "skp", "integritas"):
        assert f'data-tab="{slug}"' in html  # integritas: the standing only, for HR


def test_an_unknown_profile_section_falls_back_to_personal_data(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "no-such-section"})

    assert response.context["active_tab"] == "data"


def test_a_registered_profile_section_opens_when_asked(city, login):
    client = login(city.inspektur)

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "integritas"})

    assert response.context["active_tab"] == "integritas"
    assert 'aria-current="page">' in response.content.decode()


# --- Error pages ----------------------------------------------------------------------------


def test_a_missing_page_gets_the_friendly_404(city, login, settings):
    settings.DEBUG = False
    client = login(city.staff_a.user)

    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert 'data-testid="error-page"' in response.content.decode()


def test_a_forbidden_page_gets_the_friendly_403_with_the_reason(city, login, english, settings):
    settings.DEBUG = False
    client = login(city.staff_a.user)

    response = client.get(reverse("portal:audit-log"))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "Only Admin BKPP can read the audit trail." in response.content.decode()


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()

    assert 'data-testid="error-page"' in html
    assert "500" in html


# --- Account pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "template"),
    [
        ("login", "registration/login.html"),
        ("password_reset", "registration/password_reset_form.html"),
        ("password_reset_done", "registration/password_reset_done.html"),
        ("password_reset_complete", "registration/password_reset_complete.html"),
    ],
)
def test_the_account_pages_use_sigaps_own_templates(client, url_name, template):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    assert "admin/base.html" not in [t.name for t in response.templates]


def test_the_password_change_pages_use_sigaps_own_templates(city, login):
    client = login(city.staff_a.user)

    form = client.get(reverse("password_change"))
    done = client.get(reverse("password_change_done"))

    assert "registration/password_change_form.html" in [t.name for t in form.templates]
    assert "registration/password_change_done.html" in [t.name for t in done.templates]
    assert "admin/base.html" not in [t.name for t in form.templates + done.templates]


def test_a_broken_reset_link_says_how_to_get_a_new_one(client, english):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "wrong-token"]))

    assert "registration/password_reset_confirm.html" in [t.name for t in response.templates]
    assert "This link no longer works" in response.content.decode()


def test_the_reset_email_is_sigaps_and_names_the_username(city, client, english, mailoutbox):
    user = city.staff_a.user

    client.post(reverse("password_reset"), {"email": user.email})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "SIGAP: choose your password"
    assert user.username in mailoutbox[0].body
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_a_locked_account_sees_when_to_try_again_and_how_to_reset(city, client, english):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": city.staff_a.nip, "password": "salah"})

    response = client.post(reverse("login"), {"username": city.staff_a.nip, "password": "salah"})

    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Try again in {minutes} minutes" in response.content.decode()
    assert f'href="{reverse("password_reset")}"' in response.content.decode()


def test_the_login_page_links_to_the_password_reset(client):
    html = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in html
    assert 'id="id_username"' in html
    assert 'id="id_password"' in html


# --- Language -------------------------------------------------------------------------------


def test_the_language_switch_turns_the_site_to_english_and_back(city, login):
    client = login(city.staff_a.user)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english_page = client.get(reverse("portal:dashboard"))
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    indonesian_page = client.get(reverse("portal:dashboard"))

    assert '<html lang="en">' in english_page.content.decode()
    assert 'lang="en" selected' in english_page.content.decode()
    assert '<html lang="id">' in indonesian_page.content.decode()


def test_a_filter_select_lists_every_choice_with_the_chosen_one_selected_and_a_readable_all(city):
    """{% filter_select %} (asn_portal/templatetags/sigap.py) renders in Python what the pages'
    filter forms used to loop over in a template."""
    from django.template import engines

    from asn_portal.filters import EmployeeFilter
    from asn_portal.models import Employee

    render = engines["django"].from_string('{% load sigap %}{% filter_select field _("All OPDs") %}').render
    chosen = EmployeeFilter({"opd": str(city.disdik.pk)}, queryset=Employee.objects.all())
    chosen.is_valid()
    unknown = EmployeeFilter({"opd": "999999"}, queryset=Employee.objects.all())
    unknown.is_valid()

    html = render({"field": chosen.form["opd"]})
    wrong = render({"field": unknown.form["opd"]})

    assert html.startswith('<select name="opd" id="id_opd" class="form-select">')
    assert '<option value="">All OPDs</option>' in html or '<option value="">Semua OPD</option>' in html
    assert f'<option value="{city.disdik.pk}" selected>{city.disdik.name}</option>' in html
    assert f'<option value="{city.dinkes.pk}">{city.dinkes.name}</option>' in html
    assert html.count(" selected") == 1
    assert 'class="form-select is-invalid"' in wrong and " selected" not in wrong


def test_the_supervisor_role_is_read_with_the_other_roles(city, django_assert_num_queries):
    from asn_portal import permissions

    with django_assert_num_queries(2):  # groups, then the employee with "leads anyone"
        assert permissions.is_supervisor(city.supervisor.user) is True
    with django_assert_num_queries(2):
        assert permissions.is_supervisor(city.staff_a.user) is False
    with django_assert_num_queries(0):
        assert permissions.is_supervisor(city.staff_a.user) is False
