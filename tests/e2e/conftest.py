"""A small, realistic city for the browser tests: eight OPDs, about thirty employees of every
employment type and a spread of golongan, positions of every kind, a supervisor with a team,
an Operator OPD, an Admin BKPP, notifications and audit entries. Built with the factories
(not seed_demo) so the tests own their data.

Browser tests run against `live_server`, which serves from another thread: the data must be
committed, hence `django_db(transaction=True)`; tests/conftest.py restores the reference data
(ranks, education levels, role groups) that the flush after each such test removes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import pytest
from auditlog.context import set_actor

from asn_portal import services
from asn_portal.models import (
    EducationLevel,
    Employee,
    EmployeeStatus,
    EmploymentType,
    Jenjang,
    OrgUnitKind,
    Position,
    PositionKind,
    Rank,
    Role,
    User,
)
from tests.factories import EmployeeFactory, UserFactory, org_unit

PASSWORD = "Sigap-Semarang-2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 780}

browser_db = pytest.mark.django_db(transaction=True)


@dataclass
class DemoCity:
    admin: User
    operator: Employee
    supervisor: Employee
    pegawai: Employee
    searched: Employee  # the employee the journey looks up by NIP
    employee_count: int


# (code, name, kind, sub-units)
OPDS = [
    ("BKPP", "Badan Kepegawaian, Pendidikan dan Pelatihan", OrgUnitKind.BADAN, ["Bidang Pengembangan Kompetensi"]),
    (
        "DINKES",
        "Dinas Kesehatan",
        OrgUnitKind.DINAS,
        ["Bidang Pencegahan dan Pengendalian Penyakit", "Puskesmas Pandanaran"],
    ),
    ("DISDIK", "Dinas Pendidikan", OrgUnitKind.DINAS, ["SD Negeri Pekunden"]),
    ("DPU", "Dinas Pekerjaan Umum", OrgUnitKind.DINAS, []),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", OrgUnitKind.DINAS, []),
    ("RSUD-KRMTW", "RSUD K.R.M.T. Wongsonegoro", OrgUnitKind.RSUD, []),
    ("KEC-SMGTENGAH", "Kecamatan Semarang Tengah", OrgUnitKind.KECAMATAN, []),
    ("INSPEKTORAT", "Inspektorat", OrgUnitKind.INSPEKTORAT, []),
]

# One employee a line: name | front title | back title | gender | unit code | position |
# position kind | jenjang | golongan (empty for PPPK) | employment type | status | born | appointed
PEOPLE = """
Siti Rahmawati      | dr. | M.Kes.        | P | DINKES-1      | Kepala Bidang P2P                     | administrator           |              | IV/a  | pns              | aktif         | 1978-03-14 | 2003-02-01
Budi Santoso        |     | S.K.M.        | L | DINKES-1      | Epidemiolog Kesehatan                 | fungsional_keahlian     | ahli_muda    | III/c | pns              | aktif         | 1986-09-26 | 2010-03-01
Dewi Lestari        |     | A.Md.Kep.     | P | DINKES-1      | Perawat                               | fungsional_keterampilan | terampil     | II/d  | pns              | aktif         | 1990-05-17 | 2014-04-01
Ahmad Fauzi         |     | S.Kom.        | L | DINKES-1      | Pranata Komputer                      | fungsional_keahlian     | ahli_pertama | III/a | cpns             | aktif         | 1996-01-08 | 2024-06-01
Nur Hidayah         |     | S.Gz.         | P | DINKES-1      | Nutrisionis                           | fungsional_keahlian     | ahli_pertama |       | pppk             | aktif         | 1993-11-02 | 2022-01-01
Agus Prasetyo       |     | S.E.          | L | DINKES        | Analis Kepegawaian                    | fungsional_keahlian     | ahli_muda    | III/d | pns              | aktif         | 1984-07-21 | 2009-01-01
Hendra Wijaya       | dr. | Sp.PD.        | L | DINKES        | Kepala Dinas Kesehatan                | jpt_pratama             |              | IV/c  | pns              | aktif         | 1970-02-05 | 1998-03-01
Sri Wahyuni         |     | S.Kep., Ns.   | P | DINKES-2      | Perawat                               | fungsional_keahlian     | ahli_pertama | III/b | pns              | aktif         | 1991-04-30 | 2017-03-01
Yulia Puspitasari   |     | A.Md.Keb.     | P | DINKES-2      | Bidan                                 | fungsional_keterampilan | mahir        |       | pppk_paruh_waktu | aktif         | 1995-08-12 | 2025-01-01
Bambang Sutrisno    |     | S.Pd.         | L | DISDIK        | Kepala Seksi Kurikulum                | pengawas                |              | III/d | pns              | aktif         | 1979-12-01 | 2005-03-01
Rina Marlina        |     | S.Pd.         | P | DISDIK-1      | Guru Kelas                            | fungsional_keahlian     | ahli_muda    | III/c | pns              | aktif         | 1983-06-09 | 2008-01-01
Fajar Nugroho       |     | S.Pd.         | L | DISDIK-1      | Guru Kelas                            | fungsional_keahlian     | ahli_pertama |       | pppk             | aktif         | 1994-10-19 | 2023-01-01
Lestari Handayani   |     | S.Pd., M.Pd.  | P | DISDIK-1      | Guru Kelas                            | fungsional_keahlian     | ahli_madya   | IV/b  | pns              | aktif         | 1972-01-25 | 1999-03-01
Eko Saputro         | Ir. | M.T.          | L | DPU           | Kepala Bidang Bina Marga              | administrator           |              | IV/a  | pns              | aktif         | 1975-05-03 | 2001-03-01
Joko Susilo         |     |               | L | DPU           | Pengadministrasi Umum                 | pelaksana               |              | II/b  | pns              | aktif         | 1988-03-22 | 2012-01-01
Putri Ayuningtyas   |     | S.T.          | P | DPU           | Teknik Pengairan                      | fungsional_keahlian     | ahli_pertama | III/a | cpns             | aktif         | 1998-02-14 | 2024-06-01
Slamet Riyadi       |     |               | L | DPU           | Pengemudi                             | pelaksana               |              | II/a  | pns              | pensiun       | 1966-04-04 | 1990-03-01
Indah Permatasari   |     | S.H.          | P | DISDUKCAPIL   | Analis Kebijakan                      | fungsional_keahlian     | ahli_muda    | III/c | pns              | tugas_belajar | 1989-09-09 | 2013-03-01
Rudi Hartono        |     | S.Sos.        | L | DISDUKCAPIL   | Kepala Seksi Pendaftaran Penduduk     | pengawas                |              | III/d | pns              | aktif         | 1981-08-17 | 2006-03-01
Wulan Sari          |     | A.Md.         | P | DISDUKCAPIL   | Pengolah Data                         | pelaksana               |              |       | pppk             | aktif         | 1997-07-07 | 2024-01-01
Dimas Anggara       | dr. |               | L | RSUD-KRMTW    | Dokter                                | fungsional_keahlian     | ahli_pertama | III/b | pns              | aktif         | 1992-12-12 | 2019-03-01
Maya Kusumawati     |     | S.Farm., Apt. | P | RSUD-KRMTW    | Apoteker                              | fungsional_keahlian     | ahli_muda    | III/c | pns              | aktif         | 1987-10-01 | 2012-03-01
Teguh Wibowo        |     | A.Md.Kep.     | L | RSUD-KRMTW    | Perawat                               | fungsional_keterampilan | mahir        |       | pppk             | aktif         | 1990-03-03 | 2022-01-01
Ratna Dewi          |     |               | P | RSUD-KRMTW    | Petugas Rekam Medis                   | pelaksana               |              |       | pppk_paruh_waktu | aktif         | 1999-01-30 | 2025-01-01
Arif Rahman         |     | S.IP., M.Si.  | L | KEC-SMGTENGAH | Camat Semarang Tengah                 | administrator           |              | IV/a  | pns              | aktif         | 1976-11-11 | 2000-03-01
Endang Sulistyowati |     |               | P | KEC-SMGTENGAH | Pengadministrasi Perkantoran          | pelaksana               |              | II/c  | pns              | aktif         | 1985-06-16 | 2010-01-01
Gilang Ramadhan     |     | S.AP.         | L | KEC-SMGTENGAH | Analis Pemerintahan                   | pelaksana               |              | III/a | cpns             | aktif         | 1999-04-20 | 2024-06-01
Kartika Sari        |     | S.Ak.         | P | INSPEKTORAT   | Auditor                               | fungsional_keahlian     | ahli_pertama | III/b | pns              | aktif         | 1993-02-02 | 2018-03-01
Yusuf Hakim         |     | S.H., M.H.    | L | INSPEKTORAT   | Inspektur Pembantu                    | administrator           |              | IV/a  | pns              | aktif         | 1974-09-30 | 1999-03-01
Anisa Rahmadani     |     | S.Psi.        | P | BKPP-1        | Analis SDM Aparatur                   | fungsional_keahlian     | ahli_pertama | III/a | pns              | aktif         | 1995-05-05 | 2020-03-01
Hari Purnomo        |     | S.Sos.        | L | BKPP          | Kepala Bidang Pengembangan Kompetensi | administrator           |              | IV/b  | pns              | aktif         | 1973-08-08 | 1998-03-01
"""


def _people():
    for line in PEOPLE.strip().splitlines():
        name, front, back, gender, unit, position, kind, jenjang, rank, employment_type, status, born, appointed = (
            cell.strip() for cell in line.split("|")
        )
        known = (
            kind in PositionKind.values
            and jenjang in [*Jenjang.values, ""]
            and employment_type in EmploymentType.values
            and status in EmployeeStatus.values
        )
        if not known:
            raise ValueError(f"unknown choice in the PEOPLE table: {line}")
        yield {
            "name": name,
            "front_title": front,
            "back_title": back,
            "gender": gender,
            "unit": unit,
            "position": (position, kind, jenjang),
            "rank": rank or None,
            "employment_type": employment_type,
            "status": status,
            "born": dt.date.fromisoformat(born),
            "appointed": dt.date.fromisoformat(appointed),
        }


def build_demo_city() -> DemoCity:
    """Create the city; returns the people the tests sign in as or look for."""
    units = {}
    for code, name, kind, children in OPDS:
        opd = org_unit(code, name, kind)
        units[code] = opd
        for index, child in enumerate(children, start=1):
            child_kind = (
                OrgUnitKind.PUSKESMAS
                if child.startswith("Puskesmas")
                else OrgUnitKind.SEKOLAH
                if child.startswith("SD")
                else OrgUnitKind.BIDANG
            )
            units[f"{code}-{index}"] = org_unit(f"{code}-{index}", child, child_kind, opd)

    ranks = {rank.code: rank for rank in Rank.objects.all()}
    s1 = EducationLevel.objects.get(code="S1")
    people = {}
    for serial, person in enumerate(_people(), start=1):
        unit = units[person["unit"]]
        position_name, kind, jenjang = person["position"]
        position, _created = Position.objects.get_or_create(unit=unit, name=position_name, kind=kind, jenjang=jenjang)
        is_pppk = person["employment_type"] in EmploymentType.pppk()
        employee = EmployeeFactory(
            name=person["name"],
            front_title=person["front_title"],
            back_title=person["back_title"],
            gender=person["gender"],
            unit=unit,
            position=position,
            employment_type=person["employment_type"],
            status=person["status"],
            born=person["born"],
            appointed=person["appointed"],
            rank=None if is_pppk else ranks[person["rank"]],
            rank_tmt_on=None if is_pppk else dt.date(max(person["appointed"].year + 4, 2021), 4, 1),
            pppk_grade=9 if is_pppk else None,
            education=s1,
            email=f"{person['name'].split()[0].lower()}.{serial}@semarangkota.go.id",
            phone=f"0812-2{serial:03d}-{4000 + serial}",
        )
        employee.user.first_name, employee.user.last_name = person["name"].split(" ", 1)
        employee.user.set_password(PASSWORD)
        employee.user.save()
        people[person["name"]] = employee

    supervisor = people["Siti Rahmawati"]
    Employee.objects.filter(
        pk__in=[people[n].pk for n in ("Budi Santoso", "Dewi Lestari", "Ahmad Fauzi", "Nur Hidayah")]
    ).update(supervisor=supervisor)
    Employee.objects.filter(pk=supervisor.pk).update(supervisor=people["Hendra Wijaya"])

    admin = UserFactory(
        username="admin.bkpp", first_name="Retno", last_name="Admin BKPP", email="admin.bkpp@semarangkota.go.id"
    )
    admin.set_password(PASSWORD)
    admin.save()
    services.grant_role(admin, Role.ADMIN_BKPP, by=None)
    operator = people["Agus Prasetyo"]
    services.grant_operator(operator.user, units["DINKES"], by=admin)

    # Audit entries with a named actor and real before/after values.
    with set_actor(admin):
        for name, phone in (("Dewi Lestari", "0813-9000-1111"), ("Rudi Hartono", "0813-9000-2222")):
            employee = Employee.objects.get(pk=people[name].pk)
            employee.phone = phone
            employee.save()

    pegawai = people["Dewi Lestari"]
    for user, title, body in (
        (
            pegawai.user,
            "Your training registration was approved",
            "Pelatihan Dasar Pelayanan Publik, angkatan II, 3–5 March.",
        ),
        (pegawai.user, "Reminder: training starts in 3 days", "Bring your ID card; attendance is recorded each day."),
        (
            supervisor.user,
            "2 registrations await your approval",
            "Dewi Lestari and Budi Santoso registered for training.",
        ),
        (supervisor.user, "LHKASN filing is due on 31 March", ""),
        (admin, "Import finished: 1,245 employees updated", ""),
    ):
        services.notify(user, title=title, body=body, url="", email=False)

    return DemoCity(
        admin=admin,
        operator=operator,
        supervisor=supervisor,
        pegawai=pegawai,
        searched=people["Budi Santoso"],
        employee_count=len(people),
    )


@pytest.fixture
def demo_city(transactional_db) -> DemoCity:
    # tests/conftest.py puts the migrations' reference data back for transactional tests.
    return build_demo_city()


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form (django-axes needs the real request)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("[data-testid=login-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def has_no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Without animations (charts, collapsing menus) screenshots show the finished state.
    # The browser asks for Indonesian, like the portal's users' browsers.
    return {**browser_context_args, "reduced_motion": "reduce", "locale": "id-ID"}


@pytest.fixture(autouse=True)
def _screenshots_only_when_wanted(monkeypatch):
    """Screenshots are for people to look at (test-output/): SIGAP_SCREENSHOTS=0 (CI, where
    nobody opens them) skips writing them; every check on the page still runs."""
    if os.environ.get("SIGAP_SCREENSHOTS", "1") == "0":
        from playwright.sync_api import Page

        monkeypatch.setattr(Page, "screenshot", lambda self, *args, **kwargs: b"")
