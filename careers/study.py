"""Study leave from application to service bond (DESIGN.md "Study leave"; DOMAIN.md §7).

Application: the employee drafts (`create_draft`, `update_draft`, `attach_document`) →
`submit` (the pre-check must pass; its result is stored) → the direct supervisor `recommend`s or
`return_for_correction` → the Operator OPD `check_complete` (every required document there) or
returns → BKPP `approve`s with the decree (SK) number and date, `reject`s with a reason, or
returns. A returned application is corrected and `submit`ted again; the employee may
`withdraw` it before the decision. Every step is a `StudyEvent` (who, when, why).

The study: `begin` on the start date (at approval when the date has come, else the daily task
`start_due_studies`): a tugas belajar longer than the policy's months (6) sets the employee's
status to tugas belajar and releases the post (DOMAIN.md §7.3). Progress reports every semester
(`submit_report`), extensions (`request_extension` → `decide_extension`; the extension after the
policy's number turns tugas belajar into izin belajar, §7.2), and the end: `complete` (the
diploma goes into the education history through `careers.history.record_education`, the
employee is reactivated and the post given back or a reappointment flagged; after a tugas
belajar the service bond of 2n + 1 years starts on the return date, §7.4) or `terminate`.
`flag_bond_exits` flags those who leave the service during their bond to BKPP.

All services raise `asn_portal.services.ServiceError` with a stable code and write nothing
when they refuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asn_portal.models import EducationLevel, Employee, EmployeeStatus, PositionKind, Role, User
from asn_portal.services import ServiceError, notify
from asn_portal.uploads import check_document
from careers import history
from careers import permissions as perms
from careers import study_rules as rules
from careers.models import (
    ExtensionState,
    Funding,
    PositionHistory,
    StudyDocument,
    StudyDocumentKind,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyPolicy,
    StudyReport,
    StudyState,
    TerminationReason,
)

S = StudyState
D = StudyDocumentKind
EDITABLE = (S.DRAFT, S.RETURNED)
DOCUMENTS_EDITABLE = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _url(leave: StudyLeave) -> str:
    try:
        return reverse("careers:study-detail", args=[leave.pk])
    except NoReverseMatch:  # pages arrive after the services
        return ""


def _tell(user: User | None, leave: StudyLeave, title: str, body: str = "", key: str = "") -> None:
    if user is not None:
        notify(user, title=title, body=body, url=_url(leave), key=key)


def _tell_bkpp(leave: StudyLeave, title: str, body: str = "", key: str = "") -> None:
    group = Group.objects.filter(name=Role.ADMIN_BKPP.value).first()
    if group is None:
        return
    for user in group.user_set.filter(is_active=True):
        _tell(user, leave, title, body, key=f"{key}:{user.pk}" if key else "")


def _tell_operators(leave: StudyLeave, title: str) -> None:
    for user in User.objects.filter(is_active=True, operator_grants__opd_id=leave.opd_id).distinct():
        _tell(user, leave, title)


def _employee_user(leave: StudyLeave) -> User | None:
    return leave.employee.user if leave.employee.user_id else None


def _supervisor_user(leave: StudyLeave) -> User | None:
    supervisor = leave.employee.supervisor
    return supervisor.user if supervisor is not None and supervisor.user_id else None


def _event(
    leave: StudyLeave,
    action: str,
    to_state: str | None = None,
    *,
    by: User | None,
    reason: str = "",
    from_state: str | None = None,
) -> None:
    to_state = to_state or leave.state
    StudyEvent.objects.create(
        leave=leave,
        action=action,
        from_state=leave.state if from_state is None else from_state,
        to_state=to_state,
        by=by,
        reason=reason,
    )
    if to_state != leave.state:
        leave.state = to_state
        leave.save(update_fields=["state", "updated_at"])


def _lock(leave: StudyLeave) -> StudyLeave:
    """Lock the application's row, then read it with what the steps need. Two plain queries:
    a locking query with the five joins cost PostgreSQL more planning than both together."""
    StudyLeave.objects.select_for_update().filter(pk=leave.pk).values_list("pk", flat=True).get()
    return StudyLeave.objects.select_related(
        "employee__supervisor__user", "employee__user", "employee__education", "level", "opd"
    ).get(pk=leave.pk)


def _expect(leave: StudyLeave, *states: str) -> None:
    if leave.state not in states:
        raise ServiceError(
            _("This application is “%(state)s”; that step is not possible now.") % {"state": leave.get_state_display()},
            "invalid_transition",
            "state",
        )


def _allowed(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(_("You may not take this step on this application."), "forbidden", None)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write the reason."), "reason_required", "reason")
    return reason


def _not_future(value: dt.date, today: dt.date, field: str, label: str) -> None:
    if value > today:
        raise ServiceError(_("The %(label)s cannot be in the future.") % {"label": label}, "date_in_future", field)


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


@dataclass
class ApplicationData:
    """The fields of an application, from a form or the API."""

    kind: str
    level: EducationLevel
    program: str
    institution: str
    accreditation: str
    starts_on: dt.date
    ends_on: dt.date
    funding: str
    relevance: str
    sponsor: str = ""
    country: str = "Indonesia"

    def plan(self) -> rules.Plan:
        return rules.Plan(self.kind, self.level, self.accreditation, self.starts_on, self.ends_on)


def _clean(data: ApplicationData, employee: Employee, *, exclude: StudyLeave | None, today: dt.date) -> rules.Precheck:
    """Refuse what can never be right (DOMAIN.md §7.2; issue "Bad input"): the services save
    nothing then. Returns the pre-check for the caller to show."""
    rules.check_plan_fields(data.plan())
    for field, label in (
        ("program", _("study programme")),
        ("institution", _("institution")),
        ("relevance", _("relevance to the position")),
    ):
        if not str(getattr(data, field) or "").strip():
            raise ServiceError(_("Fill in the %(label)s.") % {"label": label}, "required", field)
    for field, label in (
        ("program", _("study programme")),
        ("institution", _("institution")),
        ("sponsor", _("sponsor")),
        ("country", _("country")),
    ):
        # Refused here, not by the database (PostgreSQL would raise a DataError on save).
        limit = StudyLeave._meta.get_field(field).max_length
        if len(" ".join(str(getattr(data, field) or "").split())) > limit:
            raise ServiceError(
                _("The %(label)s is too long: at most %(limit)d characters.") % {"label": label, "limit": limit},
                "too_long",
                field,
            )
    if data.funding not in Funding.values:
        raise ServiceError(_("Unknown funding %(value)s.") % {"value": data.funding}, "invalid_funding", "funding")
    if data.kind == StudyKind.TUGAS_BELAJAR and data.funding == Funding.SELF:
        raise ServiceError(
            _("A tugas belajar is never self-funded; a self-funded study is izin belajar (DOMAIN.md §7.1)."),
            "tugas_self_funded",
            "funding",
        )
    if data.funding == Funding.SCHOLARSHIP and not (data.sponsor or "").strip():
        raise ServiceError(_("Name the sponsor or scholarship."), "sponsor_required", "sponsor")
    if data.starts_on < today - relativedelta(months=6):
        raise ServiceError(
            _("The start date is too far in the past; an application is made before the study starts."),
            "starts_in_past",
            "starts_on",
        )
    result = rules.precheck(employee, data.plan(), exclude=exclude)
    for code in rules.BLOCKING_ON_SAVE:
        check = result.check(code)
        if check is not None and not check.ok:
            raise ServiceError(check.message, f"{code}_not_allowed", "ends_on" if code == "duration" else "level")
    return result


def _values(data: ApplicationData) -> dict:
    return {
        "kind": data.kind,
        "level": data.level,
        "program": " ".join(data.program.split()),
        "institution": " ".join(data.institution.split()),
        "accreditation": data.accreditation,
        "country": " ".join((data.country or "Indonesia").split()),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "funding": data.funding,
        "sponsor": " ".join((data.sponsor or "").split()),
        "relevance": data.relevance.strip(),
    }


@transaction.atomic
def create_draft(employee: Employee, data: ApplicationData, *, by: User, today: dt.date | None = None) -> StudyLeave:
    """A new draft application of `employee` (by themselves). Raises `ServiceError`: those of
    `_clean`, `already_open`."""
    _allowed(perms.can_apply_for_study(by, employee))
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    _clean(data, employee, exclude=None, today=_today(today))
    if StudyLeave.objects.filter(employee_id=employee.pk, state__in=S.open()).exists():
        raise ServiceError(
            _("You already have an open application or study; finish or withdraw it first."), "already_open", None
        )
    try:
        with transaction.atomic():
            leave = StudyLeave.objects.create(employee=employee, opd_id=employee.opd_id, created_by=by, **_values(data))
    except IntegrityError as exc:  # a second request at the same moment
        raise ServiceError(
            _("You already have an open application or study; finish or withdraw it first."), "already_open", None
        ) from exc
    _event(leave, "created", by=by, from_state="")  # like a proposal's first event: from nothing
    return leave


@transaction.atomic
def update_draft(leave: StudyLeave, data: ApplicationData, *, by: User, today: dt.date | None = None) -> StudyLeave:
    locked = _lock(leave)
    _expect(locked, *EDITABLE)
    _allowed(perms.can_edit_study(by, locked))
    _clean(data, locked.employee, exclude=locked, today=_today(today))
    for name, value in _values(data).items():
        setattr(locked, name, value)
    locked.save()
    _event(locked, "edited", by=by)
    return locked


def required_documents(leave: StudyLeave, policy: StudyPolicy | None = None) -> list[str]:
    """DOMAIN.md §7.5 (the regional checklists): acceptance letter, accreditation certificate,
    the supervisor's recommendation, a statement of no sanction; the sponsor's guarantee when a
    sponsor or scholarship pays; a health and drug-free certificate for a tugas belajar when the
    policy asks for it."""
    policy = policy or rules.policy_on(leave.starts_on)
    needed = [D.ACCEPTANCE, D.ACCREDITATION, D.RECOMMENDATION, D.NO_SANCTION]
    if leave.funding == Funding.SCHOLARSHIP:
        needed.append(D.SPONSOR)
    if leave.kind == StudyKind.TUGAS_BELAJAR and policy.health_certificate_required:
        needed.append(D.HEALTH)
    return [str(d) for d in needed]


def missing_documents(leave: StudyLeave) -> list[str]:
    present = set(leave.documents.values_list("kind", flat=True))
    return [kind for kind in required_documents(leave) if kind not in present]


@transaction.atomic
def attach_document(leave: StudyLeave, *, kind: str, uploaded, by: User) -> StudyDocument:
    """Store a document (its type judged by content, asn_portal.uploads); a new file of a kind
    replaces the old one. Raises `ServiceError`: `invalid_document_kind`, those of
    `check_document`."""
    locked = _lock(leave)
    _expect(locked, *DOCUMENTS_EDITABLE)
    _allowed(perms.can_attach_study_document(by, locked))
    if kind not in StudyDocumentKind.values:
        raise ServiceError(_("Unknown document kind %(kind)s.") % {"kind": kind}, "invalid_document_kind", "kind")
    content_type = check_document(uploaded)
    old = StudyDocument.objects.filter(leave=locked, kind=kind).first()
    if old is not None:
        old_file = old.file
        old.delete()
        transaction.on_commit(lambda: old_file.storage.delete(old_file.name))
    document = StudyDocument(
        leave=locked,
        kind=kind,
        original_name=(getattr(uploaded, "name", "") or kind)[-255:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=by,
    )
    document.file.save(getattr(uploaded, "name", "") or f"{kind}.pdf", uploaded, save=False)
    document.save()
    _event(locked, "document", by=by, reason=str(StudyDocumentKind(kind).label))
    return document


@transaction.atomic
def submit(leave: StudyLeave, *, by: User, today: dt.date | None = None) -> StudyLeave:
    """Send a draft or a corrected application to the supervisor. The pre-check must pass; its
    result is stored with the application. Raises `not_eligible` (the message lists what
    fails)."""
    locked = _lock(leave)
    _expect(locked, *EDITABLE)
    _allowed(perms.can_edit_study(by, locked))
    result = rules.precheck(
        locked.employee,
        rules.Plan(locked.kind, locked.level, locked.accreditation, locked.starts_on, locked.ends_on),
        exclude=locked,
    )
    if not result.eligible:
        failing = "; ".join(c.message for c in result.checks if not c.ok)
        raise ServiceError(
            _("The application cannot be sent yet: %(reasons)s") % {"reasons": failing}, "not_eligible", None
        )
    locked.eligibility = result.snapshot()
    locked.save(update_fields=["eligibility", "updated_at"])
    action = "resubmitted" if locked.state == S.RETURNED else "submitted"
    _event(locked, action, S.SUBMITTED, by=by)
    supervisor = _supervisor_user(locked)
    if supervisor is not None:
        _tell(
            supervisor,
            locked,
            _("A study-leave application waits for your recommendation: %(name)s") % {"name": locked.employee.name},
        )
    else:
        _tell_bkpp(
            locked,
            _("A study-leave application has no supervisor to recommend it: %(name)s") % {"name": locked.employee.name},
        )
    return locked


@transaction.atomic
def recommend(leave: StudyLeave, *, by: User, note: str = "") -> StudyLeave:
    locked = _lock(leave)
    _expect(locked, S.SUBMITTED)
    _allowed(perms.can_recommend_study(by, locked))
    _event(locked, "recommended", S.RECOMMENDED, by=by, reason=note.strip())
    _tell_operators(
        locked,
        _("A study-leave application is ready for your completeness check: %(name)s") % {"name": locked.employee.name},
    )
    _tell(_employee_user(locked), locked, _("Your supervisor recommended your study-leave application."))
    return locked


@transaction.atomic
def return_for_correction(leave: StudyLeave, *, by: User, reason: str) -> StudyLeave:
    """Back to the employee with a reason: by the supervisor (submitted), the operator
    (recommended) or BKPP (checked)."""
    reason = _require_reason(reason)
    locked = _lock(leave)
    _expect(locked, S.SUBMITTED, S.RECOMMENDED, S.CHECKED)
    _allowed(perms.can_return_study(by, locked))
    _event(locked, "returned", S.RETURNED, by=by, reason=reason)
    _tell(_employee_user(locked), locked, _("Your study-leave application was returned for correction."), reason)
    return locked


@transaction.atomic
def check_complete(leave: StudyLeave, *, by: User, note: str = "") -> StudyLeave:
    """The Operator OPD confirms the dossier is complete. Raises `documents_missing`."""
    locked = _lock(leave)
    _expect(locked, S.RECOMMENDED)
    _allowed(perms.can_check_study(by, locked))
    missing = missing_documents(locked)
    if missing:
        raise ServiceError(
            _("Documents missing: %(list)s.") % {"list": ", ".join(str(D(kind).label) for kind in missing)},
            "documents_missing",
            "documents",
        )
    _event(locked, "checked", S.CHECKED, by=by, reason=note.strip())
    _tell_bkpp(
        locked, _("A study-leave application waits for BKPP's decision: %(name)s") % {"name": locked.employee.name}
    )
    return locked


@transaction.atomic
def approve(
    leave: StudyLeave, *, by: User, decree_number: str, decree_on: dt.date, today: dt.date | None = None
) -> StudyLeave:
    """BKPP approves with the decree. The study begins at once when its start date has come."""
    today = _today(today)
    decree_number = (decree_number or "").strip()
    if not decree_number:
        raise ServiceError(_("Enter the decree (SK) number."), "decree_required", "decree_number")
    if decree_on is None:
        raise ServiceError(_("Enter the decree date."), "decree_required", "decree_on")
    _not_future(decree_on, today, "decree_on", _("decree date"))
    locked = _lock(leave)
    _expect(locked, S.CHECKED)
    _allowed(perms.can_decide_study(by, locked))
    locked.decree_number = decree_number
    locked.decree_on = decree_on
    locked.save(update_fields=["decree_number", "decree_on", "updated_at"])
    _event(locked, "approved", S.APPROVED, by=by, reason=decree_number)
    _tell(
        _employee_user(locked),
        locked,
        _("Your study leave is approved (SK %(number)s).") % {"number": decree_number},
    )
    if locked.starts_on <= today:
        _begin(locked, by=by)
    return locked


@transaction.atomic
def reject(leave: StudyLeave, *, by: User, reason: str) -> StudyLeave:
    reason = _require_reason(reason)
    locked = _lock(leave)
    _expect(locked, S.CHECKED)
    _allowed(perms.can_decide_study(by, locked))
    _event(locked, "rejected", S.REJECTED, by=by, reason=reason)
    _tell(_employee_user(locked), locked, _("Your study-leave application was rejected."), reason)
    return locked


@transaction.atomic
def withdraw(leave: StudyLeave, *, by: User, reason: str = "") -> StudyLeave:
    """The employee withdraws an application, or an approved study before it starts; BKPP may
    cancel an approved study before its start (with a reason: the decree is revoked)."""
    locked = _lock(leave)
    _expect(locked, S.DRAFT, *S.in_review(), S.APPROVED)
    _allowed(perms.can_withdraw_study(by, locked))
    reason = reason.strip()
    if locked.state == S.APPROVED and not perms._is_own(by, locked.employee_id):
        reason = _require_reason(reason)
    _event(locked, "withdrawn", S.WITHDRAWN, by=by, reason=reason)
    if locked.state == S.WITHDRAWN and not perms._is_own(by, locked.employee_id):
        _tell(_employee_user(locked), locked, _("Your approved study leave was cancelled before it started."), reason)
    return locked


# ---------------------------------------------------------------------------------------------
# During the study
# ---------------------------------------------------------------------------------------------


def releases_post(leave: StudyLeave, policy: StudyPolicy) -> bool:
    """DOMAIN.md §7.3: a tugas belajar longer than the policy's months (6)."""
    return leave.kind == StudyKind.TUGAS_BELAJAR and rules.months_between(leave.starts_on, leave.ends_on) > (
        policy.release_after_months
    )


def _schedule_reports(leave: StudyLeave, policy: StudyPolicy) -> None:
    reported = set(leave.reports.values_list("semester", flat=True))
    upcoming = rules.next_report_due(leave, policy, reported)
    leave.next_report_due_on = upcoming[1] if upcoming else None
    leave.save(update_fields=["next_report_due_on", "updated_at"])


def _release(locked: StudyLeave, policy: StudyPolicy) -> None:
    """DOMAIN.md §7.3: a tugas belajar longer than the policy's months takes an active employee
    off duty: status tugas belajar, the post released (kept on the study to give back at the
    end). Called at the start and again when an extension makes a short tugas belajar long.
    An employee who is not active (suspended, on CLTN, gone) keeps their status: turning it
    into tugas belajar would turn it into "active" at the end (`_restore`)."""
    if not releases_post(locked, policy):
        return
    employee = Employee.objects.select_for_update().get(pk=locked.employee_id)
    if employee.status != EmployeeStatus.AKTIF:
        return
    locked.released_position_id = employee.position_id
    employee.status = EmployeeStatus.TUGAS_BELAJAR
    employee.position = None
    employee.position_since_on = None
    employee.save(update_fields=["status", "position", "position_since_on", "updated_at"])
    locked.save(update_fields=["released_position", "updated_at"])


def _begin(locked: StudyLeave, *, by: User | None) -> None:
    policy = rules.policy_on(locked.starts_on)
    locked.started_on = locked.starts_on
    locked.save(update_fields=["started_on", "updated_at"])
    _release(locked, policy)
    _event(locked, "started", S.ONGOING, by=by)
    _schedule_reports(locked, policy)


def start_due_studies(today: dt.date | None = None) -> int:
    """Begin every approved study whose start date has come (the daily task)."""
    today = _today(today)
    started = 0
    for pk in StudyLeave.objects.filter(state=S.APPROVED, starts_on__lte=today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock(StudyLeave(pk=pk))
            if locked.state == S.APPROVED:
                _begin(locked, by=None)
                started += 1
    return started


def _restore(locked: StudyLeave, on: dt.date, *, by: User | None) -> None:
    """Back to work: active again; the released post given back when it is still there and, for
    a structural post, nobody else holds it; otherwise flagged for reappointment (§7.3). A post
    already recorded in the history from `on` on stands as it is."""
    employee = Employee.objects.select_for_update().get(pk=locked.employee_id)
    if employee.status == EmployeeStatus.TUGAS_BELAJAR:
        employee.status = EmployeeStatus.AKTIF
        employee.save(update_fields=["status", "updated_at"])
    post = locked.released_position
    if post is None:
        return
    if PositionHistory.objects.filter(employee_id=employee.pk, tmt_on__gte=on).exists():
        # A post from the return date on is already recorded (the reappointment decree was
        # entered before the study was closed): that post stands, the released one is not
        # written over it (nor could it be on the same TMT, `position_tmt_taken`).
        return
    taken = post.kind in PositionKind.leadership() and post.holders.exclude(pk=employee.pk).exists()
    if not post.is_active or taken or post.unit.opd_id != employee.opd_id:
        _needs_reappointment(locked)
        return
    try:
        history.record_position(
            employee,
            name=post.name,
            kind=post.kind,
            jenjang=post.jenjang,
            unit=post.unit,
            tmt_on=on,
            position=post,
            decree_number=locked.decree_number,
            by=by,
        )
    except ServiceError:
        # The catalogue post cannot be recorded as it stands (a functional post without its
        # jenjang): completing the study must not fail on it; BKPP reappoints by hand.
        _needs_reappointment(locked)


def _needs_reappointment(locked: StudyLeave) -> None:
    locked.needs_reappointment = True
    locked.save(update_fields=["needs_reappointment", "updated_at"])


@transaction.atomic
def submit_report(
    leave: StudyLeave,
    *,
    semester: int,
    gpa,
    transcript,
    by: User,
    credits: int | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> StudyReport:
    """The progress report of a semester that has started. Raises `ServiceError`:
    `semester_reported`, `semester_not_started`, `invalid_gpa`, those of `check_document`."""
    from decimal import Decimal, InvalidOperation

    today = _today(today)
    locked = _lock(leave)
    _expect(locked, S.ONGOING)
    _allowed(perms.can_report_study(by, locked))
    policy = rules.policy_on(locked.starts_on)
    try:
        semester = int(semester)
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("The semester is a whole number."), "invalid_semester", "semester") from exc
    if semester < 1 or rules.semester_start(locked, policy, semester) > today:
        raise ServiceError(
            _("Semester %(n)s has not started yet.") % {"n": semester}, "semester_not_started", "semester"
        )
    if locked.reports.filter(semester=semester).exists():
        raise ServiceError(_("Semester %(n)s is already reported.") % {"n": semester}, "semester_reported", "semester")
    try:
        gpa = Decimal(str(gpa).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("The GPA is a number from 0 to 4."), "invalid_gpa", "gpa") from exc
    # NaN passes quantize and then raises on comparison; Infinity is not a GPA either.
    if not gpa.is_finite() or not Decimal(0) <= gpa <= Decimal(4):
        raise ServiceError(_("The GPA is a number from 0 to 4."), "invalid_gpa", "gpa")
    if credits is not None:
        try:
            credits = int(credits)
        except (TypeError, ValueError) as exc:
            raise ServiceError(_("Credits (SKS) are a number from 0 to 400."), "invalid_credits", "credits") from exc
        if not 0 <= credits <= 400:
            raise ServiceError(_("Credits (SKS) are a number from 0 to 400."), "invalid_credits", "credits")
    content_type = check_document(transcript)
    report = StudyReport(
        leave=locked,
        semester=semester,
        due_on=rules.report_due_on(locked, policy, semester),
        gpa=gpa,
        credits=credits,
        notes=notes.strip(),
        transcript_name=(getattr(transcript, "name", "") or "transkrip.pdf")[-255:],
        transcript_type=content_type,
        submitted_by=by,
    )
    report.transcript.save(getattr(transcript, "name", "") or "transkrip.pdf", transcript, save=False)
    report.save()
    _event(locked, "reported", by=by, reason=_("Semester %(n)s, GPA %(gpa)s") % {"n": semester, "gpa": gpa})
    _schedule_reports(locked, policy)
    return report


@transaction.atomic
def request_extension(leave: StudyLeave, *, by: User, reason: str) -> StudyExtension:
    """Ask BKPP for one more extension period (the policy's months). Raises
    `extension_pending`."""
    reason = _require_reason(reason)
    locked = _lock(leave)
    _expect(locked, S.ONGOING)
    _allowed(perms.can_request_study_extension(by, locked))
    if locked.extension_requests.filter(state=ExtensionState.REQUESTED).exists():
        raise ServiceError(_("An extension request is already waiting for BKPP."), "extension_pending", None)
    policy = rules.policy_on(locked.starts_on)
    extension = StudyExtension.objects.create(
        leave=locked, months=policy.extension_months, reason=reason, previous_ends_on=locked.ends_on, requested_by=by
    )
    _event(locked, "extension_requested", by=by, reason=reason)
    _tell_bkpp(locked, _("A study extension waits for BKPP: %(name)s") % {"name": locked.employee.name})
    return extension


@transaction.atomic
def decide_extension(
    extension: StudyExtension, *, by: User, approve: bool, note: str = "", today: dt.date | None = None
) -> StudyExtension:
    """BKPP's decision. Approved: the planned end moves by the extension's months; the
    extension after the policy's `tb_extensions_before_conversion` turns a tugas belajar into
    izin belajar (DOMAIN.md §7.2): the employee is back at work (active, post given back or a
    reappointment flagged) and studies on their own time."""
    today = _today(today)
    locked = _lock(extension.leave)
    _expect(locked, S.ONGOING)
    _allowed(perms.can_decide_study(by, locked))
    extension = StudyExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.REQUESTED:
        raise ServiceError(_("This extension request is already decided."), "extension_decided", None)
    if not approve:
        note = _require_reason(note)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = note.strip()
    extension.save()
    if not approve:
        _event(locked, "extension_rejected", by=by, reason=note)
        _tell(_employee_user(locked), locked, _("Your study extension was rejected."), note)
        return extension
    policy = rules.policy_on(locked.starts_on)
    locked.ends_on = locked.ends_on + relativedelta(months=extension.months)
    locked.extensions += 1
    fields = ["ends_on", "extensions", "updated_at"]
    converted = locked.kind == StudyKind.TUGAS_BELAJAR and locked.extensions > policy.tb_extensions_before_conversion
    if converted:
        locked.kind = StudyKind.IZIN_BELAJAR
        locked.converted_on = today
        fields += ["kind", "converted_on"]
    locked.save(update_fields=fields)
    _event(
        locked,
        "extension_approved",
        by=by,
        reason=note.strip() or _("Until %(date)s") % {"date": _date(locked.ends_on)},
    )
    if converted:
        _event(locked, "converted", by=by, reason=_("Tugas belajar becomes izin belajar after a further extension."))
        _restore(locked, today, by=by)
    elif locked.kind == StudyKind.TUGAS_BELAJAR:
        # A short tugas belajar that the extension makes longer than the policy's months
        # releases the post now (DOMAIN.md §7.3); one already released stays so.
        _release(locked, policy)
    _schedule_reports(locked, policy)
    _tell(
        _employee_user(locked),
        locked,
        _("Your study is extended until %(date)s.") % {"date": _date(locked.ends_on)}
        + (" " + _("It continues as izin belajar.") if converted else ""),
    )
    return extension


# ---------------------------------------------------------------------------------------------
# The end: completion, termination, service bond
# ---------------------------------------------------------------------------------------------


def tugas_months(leave: StudyLeave, until: dt.date) -> int:
    """Months the study ran as tugas belajar: to the conversion when it was converted."""
    end = leave.converted_on or until
    return rules.months_between(leave.started_on or leave.starts_on, end)


@transaction.atomic
def complete(
    leave: StudyLeave,
    *,
    by: User,
    graduated_on: dt.date,
    returned_on: dt.date,
    diploma_number: str = "",
    today: dt.date | None = None,
) -> StudyLeave:
    """The diploma is recorded into the education history (so the promotion engine sees a
    penyesuaian ijazah), the employee is reactivated, and after a tugas belajar the service bond
    starts on `returned_on`. Raises `ServiceError`: `date_in_future`, `returned_before_graduation`,
    `graduated_before_start`."""
    today = _today(today)
    _not_future(graduated_on, today, "graduated_on", _("graduation date"))
    _not_future(returned_on, today, "returned_on", _("return date"))
    locked = _lock(leave)
    _expect(locked, S.ONGOING)
    _allowed(perms.can_close_study(by, locked))
    if graduated_on <= (locked.started_on or locked.starts_on):
        raise ServiceError(
            _("The graduation date must be after the start of the study."), "graduated_before_start", "graduated_on"
        )
    if returned_on < graduated_on:
        raise ServiceError(
            _("The return date cannot be before the graduation date."), "returned_before_graduation", "returned_on"
        )
    diploma = history.record_education(
        locked.employee,
        level=locked.level,
        institution=locked.institution,
        graduated_on=graduated_on,
        major=locked.program,
        diploma_number=diploma_number,
        path=locked.kind,
        by=by,
        today=today,
    )
    locked.diploma = diploma
    locked.finished_on = graduated_on
    locked.returned_on = returned_on
    locked.next_report_due_on = None
    if locked.kind == StudyKind.TUGAS_BELAJAR or locked.converted_on is not None:
        policy = rules.policy_on(locked.starts_on)
        locked.bond_years = rules.bond_years(policy, tugas_months(locked, graduated_on))
        locked.bond_ends_on = rules.bond_end(returned_on, locked.bond_years)
    locked.save()
    reason = _("Graduated on %(date)s.") % {"date": _date(graduated_on)}
    if locked.bond_ends_on:
        reason += " " + _("Service bond of %(years)s years until %(date)s.") % {
            "years": locked.bond_years,
            "date": _date(locked.bond_ends_on),
        }
    _event(locked, "completed", S.COMPLETED, by=by, reason=reason)
    if locked.converted_on is None:
        _restore(locked, returned_on, by=by)
    _tell(_employee_user(locked), locked, _("Your study is recorded as completed. Congratulations!"), reason)
    return locked


@transaction.atomic
def terminate(
    leave: StudyLeave, *, by: User, reason_kind: str, reason: str, on: dt.date, today: dt.date | None = None
) -> StudyLeave:
    """End a study early (failed, withdrew, misconduct): the employee is back at work. Raises
    `ServiceError`: `reason_required`, `invalid_reason`, `date_in_future`, `ended_before_start`."""
    today = _today(today)
    reason = _require_reason(reason)
    if reason_kind not in TerminationReason.values:
        raise ServiceError(_("Choose why the study ends."), "invalid_reason", "reason_kind")
    _not_future(on, today, "on", _("end date"))
    locked = _lock(leave)
    _expect(locked, S.ONGOING)
    _allowed(perms.can_close_study(by, locked))
    if on < (locked.started_on or locked.starts_on):
        # The post would come back with a TMT before the study that released it.
        raise ServiceError(_("The end date cannot be before the start of the study."), "ended_before_start", "on")
    locked.termination_reason = reason_kind
    locked.finished_on = on
    locked.returned_on = on
    locked.next_report_due_on = None
    locked.save()
    _event(locked, "terminated", S.TERMINATED, by=by, reason=f"{TerminationReason(reason_kind).label}: {reason}")
    if locked.converted_on is None:
        _restore(locked, on, by=by)
    _tell(_employee_user(locked), locked, _("Your study is recorded as ended."), reason)
    return locked


def bonds_running(on: dt.date) -> QuerySet[StudyLeave]:
    return StudyLeave.objects.filter(state=S.COMPLETED, bond_ends_on__gt=on)


def flag_bond_exits(today: dt.date | None = None, employee_ids: Iterable[int] | None = None) -> int:
    """Flag to BKPP everyone who left the service (resigned, dismissed, transferred out,
    retired) while their service bond runs, with the months left (DOMAIN.md §7.4). Once. A
    death ends the service but breaks no bond: nobody is flagged for it."""
    today = _today(today)
    leaves = (
        bonds_running(today)
        .filter(bond_broken_on__isnull=True)
        .exclude(employee__status__in=(*EmployeeStatus.in_service(), EmployeeStatus.MENINGGAL))
    )
    if employee_ids is not None:
        leaves = leaves.filter(employee_id__in=list(employee_ids))
    flagged = 0
    for leave in leaves.select_related("employee"):
        with transaction.atomic():
            months = rules.remaining_months(today, leave.bond_ends_on)
            updated = StudyLeave.objects.filter(pk=leave.pk, bond_broken_on__isnull=True).update(
                bond_broken_on=today, bond_remaining_months=months
            )
            if not updated:
                continue
            StudyEvent.objects.create(
                leave=leave,
                action="bond_broken",
                from_state=leave.state,
                to_state=leave.state,
                reason=_("Left the service (%(status)s) with %(months)s months of the service bond left.")
                % {"status": leave.employee.get_status_display(), "months": months},
            )
            _tell_bkpp(
                leave,
                _("Left during the service bond: %(name)s, %(months)s months left")
                % {"name": leave.employee.name, "months": months},
                key=f"study-bond-broken:{leave.pk}",
            )
            flagged += 1
    return flagged
