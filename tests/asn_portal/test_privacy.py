"""Personal data (issue 8, UU 27/2022): "Data saya" (the export, the PDF, who accessed the
records) and the breach query (command and page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asn_portal import privacy
from asn_portal.models import Employee, Notification
from careers.models import AwardKind
from integrity import services as integrity_services
from tests.careers.factories import award
from tests.careers.study_factories import draft
from tests.conftest import TEST_OUTPUT
from tests.integrity.factories import sanction
from tests.training.factories import program, registered, session
from training.models import Session

pytestmark = pytest.mark.django_db


def _export(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("portal:my-data"), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def _records_of(city, employee, count: int) -> None:
    prog = program()
    for index in range(count):
        registered(session(prog, capacity=5), employee)
        award(employee, kind=AwardKind.OTHER, name=f"Penghargaan {index}", awarded_on=dt.date(2020 + index, 8, 17))
        Notification.objects.create(recipient=employee.user, title=f"Pesan {index}")


def _read(obj, actor, at: dt.datetime) -> LogEntry:
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=LogEntry.Action.ACCESS,
        actor=actor,
        timestamp=at,
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------


def test_discovery_finds_the_records_of_every_app_without_a_hand_written_list():
    labels = {source.label for source in privacy.personal_sources()}

    assert {"training.registration", "training.certificate", "training.outsidelearning"} <= labels
    assert {"careers.studyleave", "careers.studyevent", "careers.rankhistory", "careers.promotionproposal"} <= labels
    assert {"integrity.sanction", "integrity.wealthreport", "integrity.gratificationreport"} <= labels
    assert {"integrity.integritypact", "asn_portal.notification"} <= labels
    # Not the person's records: cases and drug-test results (need to know), a credential, the audit
    # trail, subordinates.
    assert not labels & {
        "integrity.integritycase",
        "integrity.drugtestresult",
        "authtoken.token",
        "auditlog.logentry",
        "asn_portal.employee",
    }
    # Actor references (related_name="+") are not followed: a session someone created is not theirs.
    assert "training.session" not in labels


def test_a_new_model_pointing_at_an_employee_would_be_included(monkeypatch):
    # A reverse relation the code has never heard of, on a model nothing else discovers
    # (training.Session only has actor references): discovery must pick it up by itself.
    class NewRelation:
        one_to_many, one_to_one = True, False
        related_model = Session
        field = SimpleNamespace(name="employee", concrete=True)

    original = privacy._reverse_fks
    monkeypatch.setattr(
        privacy, "_reverse_fks", lambda model: [*original(model), NewRelation] if model is Employee else original(model)
    )

    sources = privacy._discover(privacy.EXCLUDED_FROM_EXPORT)

    assert [(s.path, s.subject) for s in sources if s.model is Session] == [("employee", "employee")]


# ---------------------------------------------------------------------------------------------
# The JSON export
# ---------------------------------------------------------------------------------------------


def test_the_json_holds_the_persons_records_of_each_app_and_none_of_another_persons(client, city):
    staff, other = city.staff_a, city.staff_b
    registration = registered(session(capacity=5), staff)
    registered(session(capacity=5), other)
    leave = draft(staff)
    draft(other)
    own_sanction = sanction(staff, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    sanction(other, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))

    data = _export(client, staff.user)

    records = data["records"]
    assert data["employee"]["pk"] == staff.pk and data["employee"]["nip"] == staff.nip
    assert "password" not in data["account"] and data["account"]["username"] == staff.user.username
    assert [row["pk"] for row in records["training.registration"]] == [registration.pk]
    assert [row["pk"] for row in records["careers.studyleave"]] == [leave.pk]
    assert [row["pk"] for row in records["integrity.sanction"]] == [own_sanction.pk]
    # Events of the person's own study leave come along (one step further).
    assert {row["leave"] for row in records["careers.studyevent"]} <= {leave.pk}
    assert other.nip not in json.dumps(data)
    assert "integrity.integritycase" not in records


def test_the_json_export_takes_the_same_number_of_queries_for_2_or_6_records_per_kind(city):
    few, many = city.staff_a, city.staff_b
    _records_of(city, few, 2)
    _records_of(city, many, 6)
    privacy.export(few)  # warm the content-type cache

    with CaptureQueriesContext(connection) as with_few:
        privacy.export(few)
    with CaptureQueriesContext(connection) as with_many:
        privacy.export(many)

    assert len(with_few) == len(with_many)
    assert len(privacy.export(many)["records"]["careers.award"]) == 6


def test_an_account_without_an_employee_record_gets_an_explanation_and_nothing_to_download(client, city):
    client.force_login(city.admin)

    page = client.get(reverse("portal:my-data"))
    download = client.get(reverse("portal:my-data"), {"format": "json"})

    assert page.status_code == 200 and b"my-data-no-employee" in page.content
    assert download.status_code == 200 and "Content-Disposition" not in download


def test_only_the_person_themself_gets_their_data_not_an_hr_role(client, city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))

    data = _export(client, city.operator.user)

    assert data["employee"]["pk"] == city.operator.pk
    assert data["records"]["integrity.sanction"] == []


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:my-data"), {"format": "json"})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------
# Who accessed the records; the PDF
# ---------------------------------------------------------------------------------------------


def test_the_access_list_shows_an_inspektorat_read_of_their_sanction(client, city):
    own = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    other = sanction(city.staff_b, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    _read(own, city.inspektur, timezone.now())
    _read(other, city.admin, timezone.now())
    client.force_login(city.staff_a.user)

    response = client.get(reverse("portal:my-data"))

    entries = list(response.context["page"].object_list)
    reads = [e for e in entries if e.action == LogEntry.Action.ACCESS]
    assert [(e.actor, e.object_id) for e in reads] == [(city.inspektur, own.pk)]
    assert b"inspektur" in response.content and b"admin.bkpp" not in response.content


def test_the_log_read_service_of_the_integrity_app_lands_in_the_access_list(city):
    from auditlog.context import set_actor

    own = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))

    with set_actor(city.inspektur):
        integrity_services.log_read(own)

    reads = privacy.access_entries(city.staff_a).filter(action=LogEntry.Action.ACCESS)
    assert [(e.actor_id, e.content_type.model) for e in reads] == [(city.inspektur.pk, "sanction")]


def test_the_access_list_is_paginated_by_20_newest_first(client, city):
    for minute in range(25):
        _read(city.staff_a, city.admin, timezone.now() - dt.timedelta(minutes=minute))
    client.force_login(city.staff_a.user)

    first = client.get(reverse("portal:my-data")).context["page"]

    assert len(first.object_list) == 20 and first.paginator.num_pages == 2
    stamps = [e.timestamp for e in first.object_list]
    assert stamps == sorted(stamps, reverse=True)


def test_the_pdf_summary_is_one_or_two_pages(client, city):
    _records_of(city, city.staff_a, 2)
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    for minute in range(30):
        _read(city.staff_a, city.admin, timezone.now() - dt.timedelta(minutes=minute))
    client.force_login(city.staff_a.user)

    response = client.get(reverse("portal:my-data"), {"format": "pdf"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", response.content))
    assert 1 <= pages <= 2
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "privacy-my-data.pdf").write_bytes(response.content)


def _reads_of(employee) -> list[tuple[str, str]]:
    entries = privacy.access_entries(employee).filter(action=LogEntry.Action.ACCESS)
    return [(entry.actor.username, entry.content_type.model) for entry in entries]


def test_opening_a_profile_page_or_the_api_record_is_logged_but_not_ones_own(client, city):
    client.force_login(city.operator.user)
    assert client.get(reverse("portal:employee-detail", args=[city.staff_a.pk])).status_code == 200
    client.force_login(city.admin)
    assert client.get(f"/api/v1/employees/{city.staff_a.pk}/").status_code == 200
    client.force_login(city.staff_a.user)
    assert client.get(reverse("portal:employee-detail", args=[city.staff_a.pk])).status_code == 200
    client.get("/api/v1/employees/", {"search": city.staff_a.nip})  # a list is not a read of a record

    assert sorted(_reads_of(city.staff_a)) == sorted(
        [(city.admin.username, "employee"), (city.operator.user.username, "employee")]
    )


def test_the_breach_query_sees_profile_pages_an_account_opened(client, city):
    client.force_login(city.operator.user)
    for employee in (city.staff_a, city.staff_b, city.staff_a):
        client.get(reverse("portal:employee-detail", args=[employee.pk]))
    today = timezone.localdate()

    result = privacy.breach_query(city.operator.user, today, today)

    assert {row.employee_id: row.reads for row in result.rows} == {city.staff_a.pk: 2, city.staff_b.pk: 1}


def test_downloading_ones_data_is_logged_and_opening_the_page_is_not(client, city):
    client.force_login(city.staff_a.user)
    client.get(reverse("portal:my-data"))
    assert _reads_of(city.staff_a) == []

    client.get(reverse("portal:my-data"), {"format": "json"})
    client.get(reverse("portal:my-data"), {"format": "pdf"})

    assert _reads_of(city.staff_a) == [(city.staff_a.user.username, "employee")] * 2


# ---------------------------------------------------------------------------------------------
# The breach query
# ---------------------------------------------------------------------------------------------

RANGE = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


@pytest.fixture
def leaked(city):
    """An operator account that read staff_a's profile and staff_b's sanction in October, and
    the outsider's profile in November (outside the range)."""
    account = city.operator.user
    sanctioned = sanction(city.staff_b, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    _read(city.staff_a, account, _at(dt.date(2026, 10, 1), 8))
    _read(city.staff_a, account, _at(dt.date(2026, 10, 31), 23))
    _read(sanctioned, account, _at(dt.date(2026, 10, 15)))
    _read(city.outsider, account, _at(dt.date(2026, 11, 1), 0))
    _read(city.supervisor, city.admin, _at(dt.date(2026, 10, 15)))  # another account
    return account


def test_the_breach_query_finds_exactly_the_employees_read_in_the_range(city, leaked):
    result = privacy.breach_query(leaked, dt.date(2026, 10, 1), dt.date(2026, 10, 31))

    assert {row.employee_id: row.reads for row in result.rows} == {city.staff_a.pk: 2, city.staff_b.pk: 1}
    row_a = next(row for row in result.rows if row.employee_id == city.staff_a.pk)
    assert timezone.localtime(row_a.first_at).date() == dt.date(2026, 10, 1)
    assert timezone.localtime(row_a.last_at).date() == dt.date(2026, 10, 31)


def test_the_breach_command_prints_csv_and_json(city, leaked):
    out = io.StringIO()
    call_command(
        "breach_query", "--username", leaked.username, "--from", "2026-10-01", "--to", "2026-10-31", stdout=out
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))

    out_json = io.StringIO()
    call_command(
        "breach_query", "--username", leaked.username, "--from", "2026-11-01", "--to", "2026-11-01",
        "--format", "json", stdout=out_json,
    )  # fmt: skip
    payload = json.loads(out_json.getvalue())

    assert {row["nip"] for row in rows} == {city.staff_a.nip, city.staff_b.nip}
    assert [person["nip"] for person in payload["employees"]] == [city.outsider.nip]


def test_the_breach_command_refuses_a_reversed_range_and_an_unknown_account(leaked):
    with pytest.raises(CommandError):
        call_command("breach_query", "--username", leaked.username, "--from", "2026-10-31", "--to", "2026-10-01")
    with pytest.raises(CommandError):
        call_command("breach_query", "--username", "nobody", "--from", "2026-10-01", "--to", "2026-10-31")


def test_the_breach_page_shows_the_same_result_and_a_csv(client, city, leaked):
    client.force_login(city.inspektur)

    page = client.get(reverse("portal:breach-query"), {"username": leaked.username, **RANGE})
    download = client.get(reverse("portal:breach-query"), {"username": leaked.username, **RANGE, "download": "csv"})

    assert page.status_code == 200
    assert {row.employee_id for row in page.context["result"].rows} == {city.staff_a.pk, city.staff_b.pk}
    assert city.outsider.nip not in page.content.decode()
    assert download["Content-Disposition"].startswith("attachment;")
    assert {row["nip"] for row in csv.DictReader(io.StringIO(download.content.decode()))} == {
        city.staff_a.nip,
        city.staff_b.nip,
    }


def test_admin_bkpp_does_not_see_integrity_reads_in_the_breach_page(client, city, leaked):
    client.force_login(city.admin)

    response = client.get(reverse("portal:breach-query"), {"username": leaked.username, **RANGE})

    assert response.status_code == 200
    assert {row.employee_id for row in response.context["result"].rows} == {city.staff_a.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"username": "nobody", **RANGE}, "username"),
        ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "__all__"),
        ({"date_from": "2025-01-01", "date_to": "2026-01-02"}, "__all__"),
        ({"date_from": "kemarin", "date_to": "2026-10-01"}, "date_from"),
    ],
)
def test_bad_input_on_the_breach_page_is_a_400_with_messages(client, city, leaked, query, field):
    client.force_login(city.inspektur)
    query = {"username": leaked.username, **query}

    response = client.get(reverse("portal:breach-query"), query)

    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_a_range_of_exactly_366_days_is_allowed(client, city, leaked):
    client.force_login(city.inspektur)

    response = client.get(
        reverse("portal:breach-query"),
        {"username": leaked.username, "date_from": "2024-01-01", "date_to": "2024-12-31"},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["staff_a", "supervisor", "operator"])
def test_the_breach_page_is_refused_to_other_roles(client, city, role):
    client.force_login(getattr(city, role).user)

    response = client.get(reverse("portal:breach-query"), {"username": "inspektur", **RANGE})

    assert response.status_code == 403


def test_the_breach_page_without_a_query_shows_the_form(client, city):
    client.force_login(city.admin)

    response = client.get(reverse("portal:breach-query"))

    assert response.status_code == 200 and "result" not in response.context
