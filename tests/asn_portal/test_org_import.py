"""Loading and restructuring the organisation tree from a spreadsheet."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from asn_portal import services
from asn_portal.models import Employee, OrgUnit
from asn_portal.org_import import import_org_units
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _csv(text):
    return io.BytesIO(text.strip().encode()), "units.csv"


def test_a_file_builds_the_tree_even_when_a_parent_comes_later(db):
    handle, name = _csv(
        """
code,name,kind,parent_code
KEL-1,Kelurahan Tembalang,kelurahan,KEC-TBL
KEC-TBL,Kecamatan Tembalang,kecamatan,
"""
    )

    result = import_org_units(handle, name)

    kelurahan = OrgUnit.objects.get(code="KEL-1")
    assert (result.created, result.errors) == (2, [])
    assert OrgUnit.objects.get_parent(kelurahan).code == "KEC-TBL"
    assert kelurahan.opd.code == "KEC-TBL"


def test_every_bad_row_is_reported_and_nothing_is_written(db):
    handle, name = _csv(
        """
code,name,kind,parent_code
GOOD,Dinas Baik,dinas,
,Tanpa Kode,dinas,
BAD-KIND,Salah Jenis,kantor,
ORPHAN,Yatim,bidang,NOWHERE
GOOD,Dua Kali,dinas,
"""
    )

    result = import_org_units(handle, name)

    assert {(e["row"], e["column"], e["code"]) for e in result.errors} == {
        (3, "code", "required"),
        (4, "kind", "unknown_kind"),
        (5, "parent_code", "unknown_parent"),
        (6, "code", "duplicate_code"),
    }
    assert not OrgUnit.objects.exists()


def test_a_parent_loop_is_refused(db):
    handle, name = _csv(
        """
code,name,kind,parent_code
A,Unit A,bidang,B
B,Unit B,bidang,A
"""
    )

    result = import_org_units(handle, name)

    assert {e["code"] for e in result.errors} == {"parent_cycle"}
    assert not OrgUnit.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(db):
    text = "code,name,kind,parent_code\nDINKES,Dinas Kesehatan,dinas,\nDINKES-P2P,Bidang P2P,bidang,DINKES\n"
    import_org_units(*_csv(text))

    second = import_org_units(*_csv(text))

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)


def test_moving_a_unit_moves_its_subtree_and_its_employees_to_the_new_opd(city):
    puskesmas = services.create_org_unit(
        code="PKM-1", name="Puskesmas 1", kind="puskesmas", parent=city.dinkes_bidang, by=None
    )
    nurse = EmployeeFactory(unit=puskesmas)
    handle, name = _csv("code,name,kind,parent_code\nDINKES-P2P,Bidang P2P,bidang,DISDIK\n")

    result = import_org_units(handle, name, by=city.admin)

    assert result.moved == 1
    assert OrgUnit.objects.get(code="PKM-1").opd == city.disdik
    assert Employee.objects.get(pk=nurse.pk).opd == city.disdik
    assert Employee.objects.get(pk=city.staff_a.pk).opd == city.disdik
    assert set(OrgUnit.objects.subtree_of(city.disdik).values_list("code", flat=True)) == {
        "DISDIK",
        "DINKES-P2P",
        "PKM-1",
    }
    entry = LogEntry.objects.filter(object_repr__contains="P2P", action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["parent"] == ["DINKES", "DISDIK"]
    assert entry.actor == city.admin


def test_a_unit_cannot_be_moved_inside_itself(city):
    with pytest.raises(services.ServiceError) as error:
        services.move_org_unit(city.dinkes, city.dinkes_bidang, by=None)

    assert error.value.code == "move_into_self"


def test_the_command_reports_problems_and_exits_with_an_error(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("code,name,kind\nX,Unit X,galaxy\n")

    with pytest.raises(CommandError):
        call_command("import_org_units", str(path))

    assert not OrgUnit.objects.exists()


def test_the_demo_city_file_loads_with_the_command(tmp_path, capsys):
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "asn_portal" / "demo_data" / "opd.csv"
    text = source.read_text().replace(",setda,SETDA\n", ",asisten,SETDA\n")
    path = tmp_path / "opd.csv"
    path.write_text(text)

    call_command("import_org_units", str(path))

    assert OrgUnit.objects.opds().filter(code="BKPP").exists()
    assert OrgUnit.objects.filter(code="SETDA-AS1").get().kind == "asisten"
