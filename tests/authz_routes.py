"""The world of the authorization matrix (tests/test_authorization_matrix.py): one small city
with one record of every kind, built once per test module through the services, and the roles
that ask for it.

Most records are staff_a's (Dinas Kesehatan, a subordinate of `supervisor`), so for them
`operator_dinkes` is the operator of the record's own OPD and `operator_disdik` the operator of
the other one. A few records belong to the outsider (Dinas Pendidikan, no supervisor), where
the roles swap sides; the table names the record it asks for, so each row reads on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.urls import reverse

from asn_portal import services as core_services
from asn_portal.models import ImportJob, OrgUnitKind, ReportJob, Role, User
from careers import history, study
from careers.models import StudyState
from tests.careers import factories as career_factories
from tests.careers.page_factories import PERIOD, eligible
from tests.careers.study_factories import attach_all, draft, pdf, study_at
from tests.factories import EmployeeFactory, UserFactory, org_unit
from tests.integrity.helpers import build_records as build_integrity_records
from tests.training.factories import TODAY as TRAINING_TODAY
from tests.training.factories import program, registered, session
from training import services as training_services
from training.models import Certificate, Registration, SessionStatus

TODAY = dt.date(2026, 11, 28)

ROLES = (
    "employee",  # staff_b: a colleague of staff_a in the same bidang, not their supervisor
    "supervisor",  # staff_a's and staff_b's direct supervisor
    "operator_dinkes",  # Operator OPD of Dinas Kesehatan (staff_a's OPD)
    "operator_disdik",  # Operator OPD of Dinas Pendidikan (the other OPD)
    "admin",  # Admin BKPP
    "inspektur",  # Inspektorat
    "anonymous",
)


@dataclass
class World:
    users: dict[str, User | None]
    staff_a: object
    staff_b: object
    outsider: object
    supervisor: object
    operator_dinkes: object
    operator_disdik: object
    dinkes: object
    disdik: object
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        objects = self.__dict__.get("objects") or {}
        if name in objects:
            return objects[name]
        raise AttributeError(name)


def _city():
    dinkes = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    bidang = org_unit("DINKES-P2P", "Bidang Pencegahan dan Pengendalian Penyakit", OrgUnitKind.BIDANG, dinkes)
    disdik = org_unit("DISDIK", "Dinas Pendidikan", OrgUnitKind.DINAS)
    admin = UserFactory(username="admin.bkpp")
    core_services.grant_role(admin, Role.ADMIN_BKPP, by=None)
    inspektur = UserFactory(username="inspektur")
    core_services.grant_role(inspektur, Role.INSPEKTORAT, by=None)
    supervisor = EmployeeFactory(unit=bidang, name="Siti Rahmawati")
    staff_a = EmployeeFactory(unit=bidang, name="Budi Santoso", supervisor=supervisor)
    staff_b = EmployeeFactory(unit=bidang, name="Dewi Lestari", supervisor=supervisor, gender="P")
    operator = EmployeeFactory(unit=dinkes, name="Agus Operator")
    core_services.grant_operator(operator.user, dinkes, by=admin)
    outsider = EmployeeFactory(unit=disdik, name="Rina Guru")
    operator_disdik = EmployeeFactory(unit=disdik, name="Yusuf Operator Disdik")
    core_services.grant_operator(operator_disdik.user, disdik, by=admin)
    # The shape the shared fixtures (tests/conftest.py `city`) have, for the builders reused here.
    city = _CityShape(
        dinkes=dinkes,
        dinkes_bidang=bidang,
        disdik=disdik,
        admin=admin,
        inspektur=inspektur,
        operator=operator,
        supervisor=supervisor,
        staff_a=staff_a,
        staff_b=staff_b,
        outsider=outsider,
    )
    return city, operator_disdik


@dataclass
class _CityShape:
    dinkes: object
    dinkes_bidang: object
    disdik: object
    admin: User
    inspektur: User
    operator: object
    supervisor: object
    staff_a: object
    staff_b: object
    outsider: object


def build_world() -> World:
    """Everything the matrix asks for. Call inside a transaction, with MEDIA_ROOT pointing
    at a scratch folder and the apps' "today" pinned to TODAY."""
    city, operator_disdik = _city()
    users = {
        "employee": city.staff_b.user,
        "supervisor": city.supervisor.user,
        "operator_dinkes": city.operator.user,
        "operator_disdik": operator_disdik.user,
        "admin": city.admin,
        "inspektur": city.inspektur,
        "anonymous": None,
    }
    world = World(
        users=users,
        staff_a=city.staff_a,
        staff_b=city.staff_b,
        outsider=city.outsider,
        supervisor=city.supervisor,
        operator_dinkes=city.operator,
        operator_disdik=operator_disdik,
        dinkes=city.dinkes,
        disdik=city.disdik,
    )
    o = world.objects

    # --- Core: report and import jobs -------------------------------------------------------
    o["report_job"] = ReportJob.objects.create(
        kind="jp_recap",
        params={"year": 2026},
        requested_by=city.operator.user,
        status=ReportJob.Status.SUCCEEDED,
        progress=100,
        file=ContentFile(b"PK\x03\x04 rekap", name="rekap-jp.xlsx"),
        file_name="rekap-jp.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    o["failed_report_job"] = ReportJob.objects.create(
        kind="jp_recap",
        params={"year": 2026},
        requested_by=city.operator.user,
        status=ReportJob.Status.FAILED,
        error_code="internal",
    )
    o["integrity_report_job"] = ReportJob.objects.create(
        kind="integrity_compliance",
        params={"year": 2026},
        requested_by=city.inspektur,
        status=ReportJob.Status.SUCCEEDED,
        progress=100,
        file=ContentFile(b"PK\x03\x04 integritas", name="kepatuhan.xlsx"),
        file_name="kepatuhan.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    o["import_job"] = ImportJob.objects.create(
        kind=ImportJob.Kind.EMPLOYEES,
        file=ContentFile(b"nip,nama\n", name="pegawai.csv"),
        original_name="pegawai.csv",
        requested_by=city.admin,
        status=ImportJob.Status.FAILED,
        errors=[{"row": 2, "column": "nip", "code": "invalid", "message": "NIP salah"}],
    )

    # --- Training ----------------------------------------------------------------------------
    open_session = session(program(title="Bimtek Penyusunan SKP"), capacity=5)
    o["program"] = open_session.program
    o["session"] = open_session
    o["session_day"] = open_session.days.order_by("date", "id").first()
    o["draft_session"] = session(program(title="Bimtek Draf Rahasia"), opened=False)
    o["registration"] = registered(open_session, city.staff_a)  # waits for the supervisor
    o["registration_x"] = registered(open_session, city.outsider)  # no supervisor: confirmed
    done = _completed(city.staff_a)
    o["completed"] = done
    o["certificate"] = Certificate.objects.get(registration=done)
    o["follow_up"] = training_services.ask_follow_up(done, on=TRAINING_TODAY)
    o["outside"] = training_services.record_outside_learning(
        employee=city.staff_a,
        title="E-learning Antikorupsi (ACLC KPK)",
        organiser="KPK",
        category="elearning",
        starts_on=dt.date(2026, 4, 29),
        ends_on=dt.date(2026, 5, 1),
        jp=6,
        certificate=pdf("sertifikat.pdf"),
        by=None,
        today=TRAINING_TODAY,
    )

    # --- Careers: histories, a proposal, study leave ----------------------------------------
    eligible(city.staff_a)
    eligible(city.outsider)
    staff_a = city.staff_a
    from careers import proposals

    o["proposal"] = proposals.propose(
        staff_a, period_on=PERIOD, by=city.operator.user, documents=[str(d) for d in _document_kinds()]
    )
    o["rank_history"] = staff_a.ranks.order_by("-tmt_on", "-id").first()
    o["position_history"] = career_factories.position_history(staff_a, "Analis Data", dt.date(2021, 1, 4))
    o["education_history"] = career_factories.diploma(staff_a, "S1", dt.date(2012, 9, 1))
    o["skp"] = staff_a.performance.order_by("-year", "-id").first()
    o["exam"] = career_factories.exam(staff_a)
    o["credit_assessment"] = career_factories.pak(staff_a, dt.date(2025, 12, 31), "ahli_pertama", "40")
    o["award"] = career_factories.award(staff_a)
    o["innovation"] = history.record_innovation(
        staff_a, title="Aplikasi Lapor Demam", year=2025, unit=city.dinkes, today=TODAY
    )
    o["study"] = study_at(StudyState.SUBMITTED, staff_a, city)  # waits for the supervisor
    o["study_document"] = o["study"].documents.order_by("id").first()
    o["study_draft"] = draft(city.staff_b)  # staff_b's own draft
    ongoing = _ongoing_study(city.outsider, by=city.admin)
    o["study_ongoing"] = ongoing
    o["study_report"] = study.submit_report(
        ongoing, semester=1, gpa="3.6", transcript=pdf("khs.pdf"), by=city.outsider.user, today=dt.date(2027, 9, 1)
    )
    o["study_extension"] = study.request_extension(ongoing, by=city.outsider.user, reason="Penelitian lapangan")

    # --- Integrity: one record of every kind about staff_a (last: the sanction would keep
    # staff_a from being proposed above) ----------------------------------------------------
    o["integrity"] = build_integrity_records(city)
    return world


def _document_kinds():
    from careers.models import DocumentKind

    return DocumentKind.values


def _completed(employee) -> Registration:
    starts_on = dt.date(2026, 3, 2)
    sess = session(
        program(title="Pelatihan Pelayanan Prima", default_jp=12),
        approval_required=False,
        starts_on=starts_on,
        ends_on=starts_on,
        registration_opens_on=starts_on - dt.timedelta(days=30),
        registration_closes_on=starts_on,
        cancellation_deadline=starts_on,
    )
    reg = training_services.register(session=sess, employee=employee, by=None, today=starts_on - dt.timedelta(days=1))
    training_services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=starts_on)
    training_services.record_result(reg, passed=True, by=None, on=starts_on)
    return Registration.objects.get(pk=reg.pk)


def _ongoing_study(employee, *, by):
    """The outsider has no supervisor: BKPP takes every step, and the study starts."""
    leave = draft(employee)
    attach_all(leave, employee.user)
    leave = study.submit(leave, by=employee.user, today=TODAY)
    leave = study.recommend(leave, by=by)
    leave = study.check_complete(leave, by=by)
    leave = study.approve(leave, by=by, decree_number="800/9/2026", decree_on=TODAY, today=TODAY)
    study.start_due_studies(leave.starts_on)
    leave.refresh_from_db()
    return leave


# =============================================================================================
# The table
# =============================================================================================

E, S, OD, OX, A, I, N = ROLES  # noqa: E741  (the seven roles, in the order above)


def deny(*roles: str) -> frozenset[str]:
    return frozenset(roles)


def all_but(*roles: str) -> frozenset[str]:
    return frozenset(ROLES) - set(roles)


# Who must not reach what (the record is staff_a's unless the row says otherwise).
STAFF_A = deny(E, OX, I, N)  # staff_a, their supervisor, Dinkes' operator and BKPP may
STAFF_A_NOT_SUPERVISOR = deny(E, S, OX, I, N)  # outside learning: not the supervisor's business
INTEGRITY = all_but(I)  # the Inspektorat's alone: never BKPP, never an operator
BKPP = all_but(A)
HR = deny(E, S, I, N)  # Admin BKPP and the operators
HR_DINKES = deny(E, S, OX, I, N)  # Admin BKPP and the operator of staff_a's OPD
EMPLOYEES = deny(A, I, N)  # pages about oneself: accounts without an employee record have none
SIGNED_IN = deny(N)
SUPERVISOR_STEP = all_but(S)
OUTSIDER = deny(E, S, OD, I, N)
# staff_a's profile and what hangs on it (histories, JP, eligibility): the Inspektorat reads
# every profile, as the profile pages allow.
PROFILE = deny(E, OX, N)  # the outsider's records (Disdik): Disdik's operator and BKPP may
OUTSIDER_BKPP = all_but(A)


@dataclass(frozen=True)
class Row:
    """One URL of a route: how to fill its parameters from the world, who must not reach it,
    and (optionally) one role that must, as the control that the URL names a real record.

    `hides`: for a list that anyone signed in may open, the record's marker (a text of the page,
    or the id in an API list) that a denied role must not find in a 200 answer."""

    kwargs: Callable[[World], dict] | None
    deny: frozenset[str]
    ok: str | None = None
    methods: tuple[str, ...] = ("GET",)
    query: dict = field(default_factory=dict)
    api: bool = False
    hides: Callable[[World], str | int] | None = None
    # A create whose permission depends on what it names (which unit, which session, which
    # kind): for these roles an empty body may be refused as invalid (400) before the
    # permission is asked. Every other denied role must hear 403 whatever the body.
    body_decides: frozenset[str] = frozenset()
    body_of: Callable[[World], dict] | None = None

    def url(self, key, world: World) -> str:
        kwargs = self.kwargs(world) if self.kwargs else {}
        if self.api:
            return key[0].format(**kwargs)
        return reverse(key, kwargs=kwargs)


def page(deny_: frozenset[str], kwargs=None, *, ok=None, post=False, get_and_post=False, **extra) -> list[Row]:
    methods = ("POST",) if post else ("GET", "POST") if get_and_post else ("GET",)
    return [Row(kwargs, deny_, ok, methods, **extra)]


def api(deny_: frozenset[str], kwargs=None, *, ok=None, **extra) -> list[Row]:
    return [Row(kwargs, deny_, ok, api=True, **extra)]


def pk(name: str, attribute: str = "pk", key: str = "pk"):
    """kwargs {key: world.<name>.<attribute>}; `name` may be dotted (integrity.sanction)."""

    def build(world: World) -> dict:
        value = world
        for part in name.split("."):
            value = getattr(value, part)
        return {key: getattr(value, attribute)}

    return build


def both(*builders):
    def build(world: World) -> dict:
        merged = {}
        for builder in builders:
            merged.update(builder(world))
        return merged

    return build


def nip_of_staff_a(world: World) -> dict:
    return {"nip": world.staff_a.nip}


# --- Pages that are not in the matrix, each with why ------------------------------------------

SKIPPED_PAGES = {
    "login": "the sign-in page: public by design",
    "logout": "signs out whoever asks: nothing to reach",
    "password_reset": "public by design (asks for an e-mail address)",
    "password_reset_done": "public by design",
    "password_reset_confirm": "public, guarded by the one-time token",
    "password_reset_complete": "public by design",
    "set_language": "public: stores the chosen language in a cookie",
    "javascript-catalog": "public: the translation catalogue for scripts",
    "healthz": "public liveness probe: answers 'ok', no data",
    "favicon.ico": "public static file",
    "robots.txt": "public static file",
    "certificates:verify": "public certificate verification under /v/: the unguessable code is the key",
    "api-schema": "API documentation: the schema describes routes, holds no records",
    "api-docs": "API documentation page (Swagger UI)",
    "api-redoc": "API documentation page (ReDoc)",
}
# Django's admin has its own staff check (is_staff) and is tested in tests/*/test_admin.py.
SKIPPED_PREFIXES = {"admin/": "Django admin: staff only, guarded by admin's own is_staff check"}
# API URL patterns the schema may leave out (none today).
SKIPPED_API_ROUTES: dict[str, str] = {}


def skip_reason(key: str, route: str) -> str | None:
    if key in SKIPPED_PAGES:
        return SKIPPED_PAGES[key]
    for prefix, reason in SKIPPED_PREFIXES.items():
        if route.startswith(prefix):
            return reason
    return None


INTEGRITY_RECORD = {
    "sanction": "integrity.sanction",
    "case": "integrity.case",
    "filing": "integrity.filing",
    "gratification": "integrity.report",
    "drug-test": "integrity.event",
    "pact": "integrity.pact",
}

PAGES: dict[str, list[Row]] = {
    # --- Core ---------------------------------------------------------------------------------
    "portal:dashboard": page(SIGNED_IN, ok=E),
    "portal:employee-list": page(SIGNED_IN, ok=OD) + page(deny(E, S, OD), hides=lambda w: w.outsider.nip),
    "portal:employee-detail": page(deny(E, OX, N), pk("staff_a"), ok=OD)
    + page(deny(E, S, OD, N), pk("outsider"), ok=OX),
    # The Inspektorat imports integrity records through the same page.
    "portal:employee-import": page(deny(E, S, N), ok=A, get_and_post=True),
    "portal:import-detail": page(all_but(A), pk("import_job"), ok=A),
    "portal:notification-list": page(SIGNED_IN, ok=E),
    "portal:notification-bell": page(SIGNED_IN, ok=E),
    "portal:notification-settings": page(SIGNED_IN, ok=E, get_and_post=True),
    "portal:notification-read": page(SIGNED_IN, post=True),
    "portal:report-list": page(deny(E, S, N), ok=OD),
    "portal:report-new": page(deny(E, S, I, N), lambda w: {"kind": "jp_recap"}, ok=OD, get_and_post=True)
    + page(all_but(I), lambda w: {"kind": "integrity_compliance"}, ok=I, get_and_post=True),
    "portal:report-detail": page(deny(E, S, OX, I, N), pk("report_job"), ok=OD)
    + page(all_but(I), pk("integrity_report_job"), ok=I),
    "portal:report-download": page(deny(E, S, OX, I, N), pk("report_job"), ok=OD)
    + page(all_but(I), pk("integrity_report_job"), ok=I),
    "portal:report-retry": page(deny(E, S, OX, I, N), pk("failed_report_job"), post=True),
    # The Inspektorat reads the trail too (who read integrity records).
    "portal:audit-log": page(all_but(A, I), ok=A),
    # "Data saya": every signed-in account gets its own page (200, a friendly explanation without
    # an employee record); no role gets staff_a's data there, so staff_a's NIP is never in it.
    "portal:my-data": page(SIGNED_IN, ok=E)
    + page(all_but(E), query={"format": "json"}, hides=lambda w: w.staff_a.nip, ok=E)
    + page(SIGNED_IN, query={"format": "pdf"}, ok=E),
    # The breach query: the Inspektorat and Admin BKPP only.
    "portal:breach-query": page(all_but(A, I), ok=A)
    + page(all_but(A, I), query={"username": "admin.bkpp", "date_from": "2026-11-01", "date_to": "2026-11-30"}, ok=I),
    "password_change": page(SIGNED_IN, ok=E),
    "password_change_done": page(SIGNED_IN, ok=E),
    # Two-factor sign-in is offered to Admin BKPP and the Inspektorat only (asn_portal.two_factor).
    "two_factor_setup": page(all_but(A, I), ok=A, get_and_post=True),
    "two_factor_turn_off": page(all_but(A, I), post=True),
    # The code step of one's own sign-in: without a device it just goes on to the dashboard.
    "two_factor_verify": page(SIGNED_IN, get_and_post=True),
    # --- Integrity: the register and every record are the Inspektorat's ----------------------
    "integrity:register": page(INTEGRITY, ok=I),
    # Filing rates per OPD, counts only: Admin BKPP sees them too.
    "integrity:compliance": page(all_but(A, I), ok=I),
    "integrity:employee-lookup": page(INTEGRITY, query={"q": "Budi"}),
    "integrity:me": page(deny(A, I, N), ok=E),
    "integrity:me-due-date": page(deny(A, I, N)),
    "integrity:sanction-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:sanction-detail": page(INTEGRITY, pk("integrity.sanction"), ok=I),
    "integrity:sanction-annul": page(INTEGRITY, pk("integrity.sanction"), post=True),
    "integrity:case-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:case-detail": page(INTEGRITY, pk("integrity.case"), ok=I),
    "integrity:case-advance": page(INTEGRITY, pk("integrity.case"), post=True),
    "integrity:case-evidence-add": page(INTEGRITY, pk("integrity.case"), post=True),
    "integrity:case-evidence-download": page(
        INTEGRITY, both(pk("integrity.case"), pk("integrity.evidence", key="evidence_pk")), ok=I
    ),
    "integrity:filing-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:filing-open-year": page(INTEGRITY, get_and_post=True),
    "integrity:filing-submission": page(INTEGRITY, get_and_post=True),
    "integrity:filing-detail": page(INTEGRITY, pk("integrity.filing"), ok=I),
    "integrity:filing-submit": page(INTEGRITY, pk("integrity.filing"), post=True),
    "integrity:filing-verify": page(INTEGRITY, pk("integrity.filing"), post=True),
    "integrity:designation-list": page(INTEGRITY, ok=I),
    "integrity:designation-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:gratification-create": page(INTEGRITY, get_and_post=True),
    "integrity:gratification-detail": page(INTEGRITY, pk("integrity.report"), ok=I),
    "integrity:gratification-process": page(INTEGRITY, pk("integrity.report"), post=True),
    "integrity:drug-test-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:drug-test-detail": page(INTEGRITY, pk("integrity.event"), ok=I),
    "integrity:drug-test-result-add": page(INTEGRITY, pk("integrity.event"), post=True),
    "integrity:pact-create": page(INTEGRITY, ok=I, get_and_post=True),
    "integrity:pact-detail": page(INTEGRITY, pk("integrity.pact"), ok=I),
    "integrity:pact-document": page(INTEGRITY, pk("integrity.pact"), ok=I),
    # --- Training: people's pages ------------------------------------------------------------
    "training:catalogue": page(SIGNED_IN, ok=E) + page(all_but(A, N), hides=lambda w: "Bimtek Draf Rahasia"),
    "training:session-detail": page(SIGNED_IN, pk("session"), ok=E) + page(all_but(A), pk("draft_session"), ok=A),
    "training:session-register": page(deny(A, I, N), pk("draft_session"), post=True),
    "training:my-registrations": page(EMPLOYEES, ok=E),
    "training:my-jp": page(EMPLOYEES, ok=E),
    "training:registration-detail": page(STAFF_A, pk("registration"), ok=S),
    "training:registration-cancel": page(deny(E, S, OX, I, N), pk("registration"), post=True),
    "training:registration-evaluation": page(all_but(), pk("completed"), get_and_post=True),
    "training:approvals": page(all_but(S), ok=S),
    "training:approvals-bulk": page(all_but(S), post=True),
    "training:registration-approve": page(SUPERVISOR_STEP, pk("registration"), post=True),
    "training:registration-reject": page(SUPERVISOR_STEP, pk("registration"), post=True),
    "training:follow-up": page(all_but(S), pk("follow_up"), ok=S, get_and_post=True),
    "training:opd": page(all_but(OD, OX), ok=OD),
    "training:opd-nominate": page(all_but(OD, OX), post=True),
    "training:opd-jp": page(all_but(OD, OX), ok=OD),
    "training:outside-queue": page(HR, ok=OD),
    "training:outside-detail": page(STAFF_A_NOT_SUPERVISOR, pk("outside"), ok=OD),
    "training:outside-certificate": page(STAFF_A_NOT_SUPERVISOR, pk("outside"), ok=OD),
    "training:outside-decide": page(deny(E, S, OX, I, N), pk("outside"), post=True),
    # --- Training: BKPP's management pages ---------------------------------------------------
    "training:manage-sessions": page(BKPP, ok=A),
    "training:manage-session-create": page(BKPP, ok=A, get_and_post=True),
    "training:manage-session": page(BKPP, pk("session"), ok=A),
    "training:manage-session-edit": page(BKPP, pk("session"), ok=A, get_and_post=True),
    "training:manage-session-schedule": page(BKPP, pk("session"), get_and_post=True),
    "training:manage-session-capacity": page(BKPP, pk("session"), post=True),
    "training:manage-session-quota": page(BKPP, pk("session"), post=True),
    "training:manage-session-release": page(BKPP, pk("session"), post=True),
    "training:manage-session-status": page(BKPP, pk("session"), post=True),
    "training:manage-participants": page(BKPP, pk("session"), ok=A),
    "training:manage-attendance": page(BKPP, pk("session"), ok=A),
    "training:manage-attendance-mark": page(BKPP, both(pk("session"), pk("session_day", key="day_pk")), post=True),
    "training:manage-attendance-all": page(BKPP, both(pk("session"), pk("session_day", key="day_pk")), post=True),
    "training:manage-results": page(BKPP, pk("session"), ok=A),
    "training:manage-results-sheet": page(BKPP, pk("session"), ok=A),
    "training:manage-results-upload": page(BKPP, pk("session"), post=True),
    "training:manage-evaluation": page(BKPP, pk("session"), ok=A),
    "training:manage-registration-confirm": page(BKPP, pk("registration"), post=True),
    "training:manage-registration-cancel": page(BKPP, pk("registration"), post=True),
    "training:certificate-pdf": page(STAFF_A, pk("completed"), ok=A),
    "training:manage-certificate-revoke": page(BKPP, pk("certificate"), post=True),
    "training:manage-programs": page(BKPP, ok=A),
    "training:manage-program-create": page(BKPP, ok=A, get_and_post=True),
    "training:manage-program-edit": page(BKPP, pk("program"), ok=A, get_and_post=True),
    # Compliance: BKPP for the city, each operator for their own OPD only.
    "training:manage-compliance": page(HR, ok=OD)
    + page(deny(OX), ok=OD, query={"list": "integrity"}, hides=lambda w: w.staff_a.name),
    "training:manage-mandatory": page(HR, ok=OD) + page(deny(OX), ok=OD, hides=lambda w: w.staff_a.name),
    # --- Careers: promotion ------------------------------------------------------------------
    "careers:home": page(deny(N)),
    "careers:my-outlook": page(EMPLOYEES, ok=E),
    "careers:team": page(all_but(S), ok=S),
    "careers:proposal-detail": page(STAFF_A, pk("proposal"), ok=S),
    "careers:proposal-approve": page(SUPERVISOR_STEP, pk("proposal"), post=True),
    "careers:proposal-return": page(SUPERVISOR_STEP, pk("proposal"), post=True),
    "careers:candidates": page(HR, ok=OD),
    "careers:candidates-export": page(HR, ok=OD),
    "careers:candidates-propose": page(HR, post=True),
    "careers:proposal-create": page(HR_DINKES, pk("staff_a", key="employee_pk"), get_and_post=True),
    "careers:proposal-list": page(HR, ok=OD),
    "careers:proposal-verify": page(BKPP, pk("proposal"), post=True),
    "careers:proposal-submit": page(BKPP, pk("proposal"), post=True),
    "careers:proposal-decree": page(BKPP, pk("proposal"), post=True),
    "careers:proposal-reject": page(BKPP, pk("proposal"), post=True),
    "careers:proposal-resubmit": page(HR_DINKES, pk("proposal"), post=True),
    "careers:proposal-withdraw": page(HR_DINKES, pk("proposal"), post=True),
    "careers:satyalancana": page(BKPP, ok=A),
    "careers:satyalancana-export": page(BKPP, ok=A),
    # --- Careers: study leave ----------------------------------------------------------------
    "careers:study-home": page(deny(N)),
    "careers:study-mine": page(EMPLOYEES, ok=E),
    "careers:study-create": page(EMPLOYEES, get_and_post=True),
    "careers:study-precheck": page(EMPLOYEES, post=True),
    "careers:study-team": page(all_but(S), ok=S),
    "careers:study-list": page(HR, ok=OD),
    "careers:study-roster": page(HR, ok=OD),
    "careers:study-detail": page(STAFF_A, pk("study"), ok=S) + page(all_but(E, A), pk("study_draft"), ok=E),
    "careers:study-edit": page(all_but(E), pk("study_draft"), ok=E, get_and_post=True),
    "careers:study-precheck-edit": page(all_but(E), pk("study_draft"), post=True),
    "careers:study-document-upload": page(all_but(E), pk("study_draft"), post=True),
    "careers:study-document": page(STAFF_A, both(pk("study"), pk("study_document", key="document_pk")), ok=S),
    "careers:study-transcript": page(OUTSIDER, both(pk("study_ongoing"), pk("study_report", key="report_pk")), ok=OX),
    "careers:study-submit": page(all_but(E), pk("study_draft"), post=True),
    "careers:study-withdraw": page(all_but(E), pk("study_draft"), post=True),
    "careers:study-recommend": page(SUPERVISOR_STEP, pk("study"), post=True),
    "careers:study-return": page(SUPERVISOR_STEP, pk("study"), post=True),
    "careers:study-check": page(all_but(OD, A), pk("study"), post=True),
    "careers:study-approve": page(BKPP, pk("study"), post=True),
    "careers:study-reject": page(BKPP, pk("study"), post=True),
    # The outsider's ongoing study: the outsider, Disdik's operator and BKPP act on it.
    "careers:study-report": page(OUTSIDER, pk("study_ongoing"), post=True),
    "careers:study-extension": page(OUTSIDER, pk("study_ongoing"), post=True),
    "careers:study-extension-decide": page(
        OUTSIDER_BKPP, both(pk("study_ongoing"), pk("study_extension", key="extension_pk")), post=True
    ),
    "careers:study-complete": page(OUTSIDER_BKPP, pk("study_ongoing"), post=True),
    "careers:study-terminate": page(OUTSIDER_BKPP, pk("study_ongoing"), post=True),
}

# --- The API: (path as the schema writes it, method) ---------------------------------------

ID = "id"


def oid(name: str, key: str = ID):
    return pk(name, key=key)


API: dict[tuple[str, str], list[Row]] = {
    ("/api/v1/auth/token/", "POST"): api(deny()),
    ("/api/v1/auth/token/", "DELETE"): api(deny(N)),
    ("/api/v1/me/", "GET"): api(deny(N), ok=E),
    # Core
    ("/api/v1/employees/", "GET"): api(SIGNED_IN, ok=OD) + api(deny(E, S, OD), hides=lambda w: w.outsider.pk),
    ("/api/v1/employees/", "POST"): api(all_but(A, OD, OX)),
    ("/api/v1/employees/{id}/", "GET"): api(deny(E, OX, N), oid("staff_a"), ok=OD),
    ("/api/v1/employees/{id}/", "PUT"): api(deny(E, S, OX, I, N), oid("staff_a")),
    ("/api/v1/employees/{id}/", "PATCH"): api(deny(E, S, OX, I, N), oid("staff_a")),
    ("/api/v1/org-units/", "GET"): api(SIGNED_IN, ok=E),
    ("/api/v1/org-units/{id}/", "GET"): api(SIGNED_IN, oid("dinkes"), ok=E),
    ("/api/v1/reports/", "GET"): api(SIGNED_IN, ok=OD) + api(all_but(I, N), hides=lambda w: w.integrity_report_job.pk),
    ("/api/v1/reports/", "POST"): api(deny(E, S, N))
    + api(all_but(I), body_of=lambda w: {"kind": "integrity_compliance", "params": {"year": 2025}}),
    ("/api/v1/reports/kinds/", "GET"): api(SIGNED_IN, ok=OD),
    ("/api/v1/reports/{id}/", "GET"): api(deny(E, S, OX, I, N), oid("report_job"), ok=OD)
    + api(all_but(I), oid("integrity_report_job"), ok=I),
    ("/api/v1/reports/{id}/download/", "GET"): api(deny(E, S, OX, I, N), oid("report_job"), ok=OD)
    + api(all_but(I), oid("integrity_report_job"), ok=I),
    ("/api/v1/reports/{id}/retry/", "POST"): api(deny(E, S, OX, I, N), oid("failed_report_job")),
    # Integrity: standing is a yes/no others may ask; every record is the Inspektorat's
    ("/api/v1/employees/{nip}/standing/", "GET"): api(deny(E, OX, N), nip_of_staff_a, ok=OD),
    ("/api/v1/integrity/compliance/", "GET"): api(all_but(A, I), ok=I),  # counts only, as the page
    # The lists answer others an empty list: the record must not be in it.
    **{
        (f"/api/v1/integrity/{path}/", "GET"): api(
            INTEGRITY, ok=I, hides=lambda w, name=name: getattr(w.integrity, name).pk
        )
        for path, name in (
            ("sanctions", "sanction"),
            ("cases", "case"),
            ("filings", "filing"),
            ("gratification-reports", "report"),
            ("drug-tests", "event"),
            ("pacts", "pact"),
        )
    },
    **{
        (f"/api/v1/integrity/{path}/", "POST"): api(INTEGRITY)
        for path in ("sanctions", "cases", "filings", "drug-tests", "pacts")
    },
    # Employees report a gratification they received themselves (UU 20/2001 ps. 12C).
    ("/api/v1/integrity/gratification-reports/", "POST"): api(deny(A, N)),
    ("/api/v1/integrity/sanctions/{id}/", "GET"): api(INTEGRITY, oid("integrity.sanction"), ok=I),
    ("/api/v1/integrity/sanctions/{id}/annul/", "POST"): api(INTEGRITY, oid("integrity.sanction")),
    ("/api/v1/integrity/cases/{id}/", "GET"): api(INTEGRITY, oid("integrity.case"), ok=I),
    ("/api/v1/integrity/cases/{id}/advance/", "POST"): api(INTEGRITY, oid("integrity.case")),
    ("/api/v1/integrity/cases/{id}/evidence/", "POST"): api(INTEGRITY, oid("integrity.case")),
    ("/api/v1/integrity/cases/{id}/evidence/{evidence_id}/file/", "GET"): api(
        INTEGRITY, both(oid("integrity.case"), pk("integrity.evidence", key="evidence_id")), ok=I
    ),
    ("/api/v1/integrity/filings/{id}/", "GET"): api(INTEGRITY, oid("integrity.filing"), ok=I),
    ("/api/v1/integrity/filings/{id}/submit/", "POST"): api(INTEGRITY, oid("integrity.filing")),
    ("/api/v1/integrity/filings/{id}/verify/", "POST"): api(INTEGRITY, oid("integrity.filing")),
    ("/api/v1/integrity/gratification-reports/{id}/", "GET"): api(INTEGRITY, oid("integrity.report"), ok=I),
    ("/api/v1/integrity/gratification-reports/{id}/process/", "POST"): api(INTEGRITY, oid("integrity.report")),
    ("/api/v1/integrity/drug-tests/{id}/", "GET"): api(INTEGRITY, oid("integrity.event"), ok=I),
    ("/api/v1/integrity/drug-tests/{id}/results/", "GET"): api(INTEGRITY, oid("integrity.event"), ok=I),
    ("/api/v1/integrity/drug-tests/{id}/results/", "POST"): api(INTEGRITY, oid("integrity.event")),
    ("/api/v1/integrity/pacts/{id}/", "GET"): api(INTEGRITY, oid("integrity.pact"), ok=I),
    ("/api/v1/integrity/pacts/{id}/document/", "GET"): api(INTEGRITY, oid("integrity.pact"), ok=I),
    # Training
    ("/api/v1/employees/{nip}/jp/", "GET"): api(PROFILE, nip_of_staff_a, ok=OD),
    ("/api/v1/training/programs/", "GET"): api(SIGNED_IN, ok=E),
    ("/api/v1/training/programs/", "POST"): api(BKPP),
    ("/api/v1/training/programs/{id}/", "GET"): api(SIGNED_IN, oid("program"), ok=E),
    ("/api/v1/training/programs/{id}/", "PUT"): api(BKPP, oid("program")),
    ("/api/v1/training/programs/{id}/", "PATCH"): api(BKPP, oid("program")),
    ("/api/v1/training/sessions/", "GET"): api(SIGNED_IN, ok=E)
    + api(all_but(A, N), hides=lambda w: w.draft_session.pk),
    ("/api/v1/training/sessions/", "POST"): api(BKPP),
    ("/api/v1/training/sessions/{id}/", "GET"): api(SIGNED_IN, oid("session"), ok=E)
    + api(all_but(A), oid("draft_session"), ok=A),
    ("/api/v1/training/sessions/{id}/", "PUT"): api(BKPP, oid("session")),
    ("/api/v1/training/sessions/{id}/", "PATCH"): api(BKPP, oid("session")),
    ("/api/v1/training/sessions/{id}/capacity/", "POST"): api(BKPP, oid("session")),
    ("/api/v1/training/sessions/{id}/quotas/", "POST"): api(BKPP, oid("session")),
    ("/api/v1/training/sessions/{id}/status/", "POST"): api(BKPP, oid("session")),
    ("/api/v1/training/sessions/{id}/days/{day_id}/attendance/", "GET"): api(
        BKPP, both(oid("session"), pk("session_day", key="day_id")), ok=A
    ),
    ("/api/v1/training/sessions/{id}/days/{day_id}/attendance/", "POST"): api(
        BKPP, both(oid("session"), pk("session_day", key="day_id"))
    ),
    ("/api/v1/training/registrations/", "GET"): api(SIGNED_IN, ok=S)
    + api(deny(E, OX, I), hides=lambda w: w.registration.pk),
    ("/api/v1/training/registrations/", "POST"): api(deny(A, I, N), body_decides=frozenset({A}))
    # BKPP may register anyone; an operator only their own OPD's employees.
    + api(deny(E, S, OX, I), body_of=lambda w: {"session_id": w.session.pk, "employee_nip": w.staff_a.nip}),
    ("/api/v1/training/registrations/{id}/", "GET"): api(STAFF_A, oid("registration"), ok=S),
    ("/api/v1/training/registrations/{id}/approve/", "POST"): api(SUPERVISOR_STEP, oid("registration")),
    # A submitted registration is the supervisor's to decide; BKPP rejects only one waiting for a
    # seat (training.permissions.can_reject_registration).
    ("/api/v1/training/registrations/{id}/reject/", "POST"): api(
        all_but(S), oid("registration"), body_of=lambda w: {"reason": "Tidak relevan"}
    ),
    ("/api/v1/training/registrations/{id}/cancel/", "POST"): api(deny(E, S, OX, I, N), oid("registration")),
    ("/api/v1/training/registrations/{id}/confirm/", "POST"): api(BKPP, oid("registration")),
    ("/api/v1/training/registrations/{id}/result/", "POST"): api(BKPP, oid("registration")),
    ("/api/v1/training/outside-learning/", "GET"): api(SIGNED_IN, ok=OD)
    + api(deny(E, S, OX, I), hides=lambda w: w.outside.pk),
    ("/api/v1/training/outside-learning/", "POST"): api(deny(A, I, N)),
    ("/api/v1/training/outside-learning/{id}/", "GET"): api(STAFF_A_NOT_SUPERVISOR, oid("outside"), ok=OD),
    ("/api/v1/training/outside-learning/{id}/certificate/", "GET"): api(STAFF_A_NOT_SUPERVISOR, oid("outside"), ok=OD),
    ("/api/v1/training/outside-learning/{id}/verify/", "POST"): api(deny(E, S, OX, I, N), oid("outside")),
    ("/api/v1/training/outside-learning/{id}/reject/", "POST"): api(deny(E, S, OX, I, N), oid("outside")),
    # Careers: histories of staff_a
    **{
        (f"/api/v1/careers/{path}/", "GET"): api(SIGNED_IN, ok=OD)
        + api(deny(E, OX), hides=lambda w, name=name: getattr(w, name).pk)
        for path, name in (
            ("rank-history", "rank_history"),
            ("position-history", "position_history"),
            ("education-history", "education_history"),
            ("skp", "skp"),
            ("exams", "exam"),
            ("credit-assessments", "credit_assessment"),
            ("awards", "award"),
            ("innovations", "innovation"),
        )
    },
    **{
        (f"/api/v1/careers/{path}/{{id}}/", "GET"): api(PROFILE, oid(name), ok=OD)
        for path, name in (
            ("rank-history", "rank_history"),
            ("position-history", "position_history"),
            ("education-history", "education_history"),
            ("skp", "skp"),
            ("exams", "exam"),
            ("credit-assessments", "credit_assessment"),
            ("awards", "award"),
            ("innovations", "innovation"),
        )
    },
    ("/api/v1/employees/{nip}/eligibility/", "GET"): api(PROFILE, nip_of_staff_a, ok=OD),
    ("/api/v1/careers/eligibility/", "GET"): api(HR, ok=OD),
    # Careers: proposals
    ("/api/v1/careers/proposals/", "GET"): api(SIGNED_IN, ok=OD) + api(deny(E, OX, I), hides=lambda w: w.proposal.pk),
    ("/api/v1/careers/proposals/", "POST"): api(
        deny(E, S, OX, I, N), body_of=lambda w: {"employee_nip": w.staff_b.nip, "period": str(PERIOD), "documents": []}
    ),
    ("/api/v1/careers/proposals/propose-many/", "POST"): api(
        deny(E, S, OX, I, N), body_of=lambda w: {"employee_nips": [w.staff_b.nip], "period": str(PERIOD)}
    ),
    ("/api/v1/careers/proposals/{id}/", "GET"): api(STAFF_A, oid("proposal"), ok=S),
    ("/api/v1/careers/proposals/{id}/approve/", "POST"): api(SUPERVISOR_STEP, oid("proposal")),
    # BKPP returns a proposal at its own step (400 at the supervisor's: the right person, too early).
    ("/api/v1/careers/proposals/{id}/return/", "POST"): api(all_but(S, A), oid("proposal")),
    ("/api/v1/careers/proposals/{id}/verify/", "POST"): api(BKPP, oid("proposal")),
    ("/api/v1/careers/proposals/{id}/submit/", "POST"): api(BKPP, oid("proposal")),
    ("/api/v1/careers/proposals/{id}/decree/", "POST"): api(BKPP, oid("proposal")),
    ("/api/v1/careers/proposals/{id}/reject/", "POST"): api(BKPP, oid("proposal")),
    ("/api/v1/careers/proposals/{id}/resubmit/", "POST"): api(HR_DINKES, oid("proposal")),
    ("/api/v1/careers/proposals/{id}/withdraw/", "POST"): api(HR_DINKES, oid("proposal")),
    # Careers: study leave
    ("/api/v1/careers/study-leaves/", "GET"): api(SIGNED_IN, ok=OD) + api(deny(E, OX, I), hides=lambda w: w.study.pk),
    ("/api/v1/careers/study-leaves/", "POST"): api(EMPLOYEES),
    ("/api/v1/careers/study-leaves/precheck/", "POST"): api(EMPLOYEES, body_decides=frozenset({A})),
    ("/api/v1/careers/study-leaves/{id}/", "GET"): api(STAFF_A, oid("study"), ok=S)
    + api(all_but(E, A), oid("study_draft"), ok=E),
    ("/api/v1/careers/study-leaves/{id}/", "PATCH"): api(all_but(E), oid("study_draft")),
    ("/api/v1/careers/study-leaves/{id}/documents/", "POST"): api(all_but(E, A), oid("study_draft")),
    ("/api/v1/careers/study-leaves/{id}/documents/{document_id}/file/", "GET"): api(
        STAFF_A, both(oid("study"), pk("study_document", key="document_id")), ok=S
    ),
    ("/api/v1/careers/study-leaves/{id}/submit/", "POST"): api(all_but(E), oid("study_draft")),
    ("/api/v1/careers/study-leaves/{id}/withdraw/", "POST"): api(all_but(E, A), oid("study_draft")),
    ("/api/v1/careers/study-leaves/{id}/recommend/", "POST"): api(SUPERVISOR_STEP, oid("study")),
    # The operator and BKPP return at their own steps (400 now: the right people, too early).
    ("/api/v1/careers/study-leaves/{id}/return/", "POST"): api(all_but(S, OD, A), oid("study")),
    ("/api/v1/careers/study-leaves/{id}/check/", "POST"): api(all_but(OD, A), oid("study")),
    ("/api/v1/careers/study-leaves/{id}/approve/", "POST"): api(BKPP, oid("study")),
    ("/api/v1/careers/study-leaves/{id}/reject/", "POST"): api(BKPP, oid("study")),
    ("/api/v1/careers/study-leaves/{id}/reports/", "POST"): api(OUTSIDER, oid("study_ongoing")),
    ("/api/v1/careers/study-leaves/{id}/reports/{report_id}/transcript/", "GET"): api(
        OUTSIDER, both(oid("study_ongoing"), pk("study_report", key="report_id")), ok=OX
    ),
    ("/api/v1/careers/study-leaves/{id}/extension/", "POST"): api(OUTSIDER, oid("study_ongoing")),
    ("/api/v1/careers/study-leaves/{id}/extension/decision/", "POST"): api(OUTSIDER_BKPP, oid("study_ongoing")),
    ("/api/v1/careers/study-leaves/{id}/complete/", "POST"): api(OUTSIDER_BKPP, oid("study_ongoing")),
    ("/api/v1/careers/study-leaves/{id}/terminate/", "POST"): api(OUTSIDER_BKPP, oid("study_ongoing")),
}
