"""The organisation tree: subtree in one query, `opd` pointing at the root, OPD-only grants."""

import pytest

from asn_portal import services
from asn_portal.models import Employee, OrgUnit, OrgUnitKind
from tests.factories import EmployeeFactory, UserFactory, org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    kecamatan = org_unit("KEC-TBL", "Kecamatan Tembalang", OrgUnitKind.KECAMATAN)
    kelurahan = org_unit("KEL-TBL-1", "Kelurahan Tembalang", OrgUnitKind.KELURAHAN, kecamatan)
    other_kelurahan = org_unit("KEL-TBL-2", "Kelurahan Bulusan", OrgUnitKind.KELURAHAN, kecamatan)
    dinkes = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    bidang = org_unit("DINKES-YANKES", "Bidang Pelayanan Kesehatan", OrgUnitKind.BIDANG, dinkes)
    puskesmas = org_unit("PKM-ROWOSARI", "Puskesmas Rowosari", OrgUnitKind.PUSKESMAS, bidang)
    return kecamatan, kelurahan, other_kelurahan, dinkes, bidang, puskesmas


def test_a_unit_and_everything_under_it_comes_back_in_one_query(tree, django_assert_num_queries):
    kecamatan, kelurahan, other_kelurahan, dinkes, bidang, puskesmas = tree

    with django_assert_num_queries(1):
        codes = set(OrgUnit.objects.subtree_of(dinkes).values_list("code", flat=True))

    assert codes == {"DINKES", "DINKES-YANKES", "PKM-ROWOSARI"}


def test_a_leaf_subtree_is_the_leaf_alone(tree):
    *_, puskesmas = tree

    assert list(OrgUnit.objects.subtree_of(puskesmas)) == [puskesmas]


def test_every_unit_points_to_its_opd_root(tree):
    kecamatan, kelurahan, other_kelurahan, dinkes, bidang, puskesmas = tree

    assert kecamatan.opd_id == kecamatan.pk
    assert kelurahan.opd_id == kecamatan.pk
    assert OrgUnit.objects.get(pk=puskesmas.pk).opd_id == dinkes.pk
    assert set(OrgUnit.objects.opds().values_list("code", flat=True)) == {"KEC-TBL", "DINKES"}


def test_employees_of_a_subtree_are_found_through_the_path(tree):
    kecamatan, kelurahan, other_kelurahan, dinkes, bidang, puskesmas = tree
    nurse = EmployeeFactory(unit=puskesmas)
    lurah = EmployeeFactory(unit=kelurahan)

    in_dinkes = set(Employee.objects.in_subtree(dinkes))
    in_bidang = set(Employee.objects.in_subtree(bidang))

    assert in_dinkes == {nurse}
    assert in_bidang == {nurse}
    assert set(Employee.objects.in_subtree(kecamatan)) == {lurah}
    assert nurse.opd_id == dinkes.pk


def test_a_unit_code_is_used_once(tree):
    with pytest.raises(services.ServiceError) as error:
        org_unit("DINKES", "Dinas Kesehatan lagi")

    assert error.value.code == "code_exists"


def test_operators_are_granted_a_whole_opd_not_a_sub_unit(tree):
    *_, bidang, _puskesmas = tree

    with pytest.raises(services.ServiceError) as error:
        services.grant_operator(UserFactory(), bidang, by=None)

    assert error.value.code == "not_an_opd"


def test_the_employee_factory_gives_unique_valid_nips_past_a_thousand(tree):
    from asn_portal.nip import parse_nip

    *_, puskesmas = tree
    EmployeeFactory.create_batch(1005, unit=puskesmas, user=None)

    nips = list(Employee.objects.values_list("nip", flat=True))
    assert len(set(nips)) == len(nips) == 1005
    assert all(parse_nip(nip) for nip in nips)
