"""The training app's reminder kinds (issue 7), registered with `asn_portal.reminders` from
`TrainingConfig.ready()`.

Each `collect(today)` answers with a fixed number of set-based queries whatever the number of
employees: the rows come from one `values()` query (the JP ledger, eligibility and standing as
subqueries of it), and the messages are built in Python from the rows. The occasion decides
how often a person hears about the same thing; `asn_portal.reminders.run` records each
message under (recipient, "kind:object:occasion") before sending, so a second run sends
nothing.

| code | mandatory | to whom | occasion |
| --- | --- | --- | --- |
| training_session_soon | no | confirmed participants | "h3" (3 days before; caught up 2 days before), "h1" |
| training_approval_waiting | yes | the supervisor (> 2 working days); the OPD's operators too (> 5) | "wait2", "wait5" |
| training_window_closing | no | employees short of JP who may join a session closing in 2 days | ISO week ("2026-W48") |
| training_waitlist_confirmed | no | the employee, at once, from `services._fill_waitlist` | — |
| training_jp_shortfall | no | employees under target and their supervisors, from October | month ("2026-10") |
| training_follow_up | yes | the supervisor, from `services.ask_follow_up` | — |
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import BooleanField as BooleanOutput
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import reminders, workdays
from asn_portal.models import Employee, EmployeeStatus, OperatorGrant
from asn_portal.reminders import Due, ReminderKind
from training import compliance, selectors
from training.models import Registration, RegistrationState, Session, SessionStatus

S = RegistrationState

SESSION_SOON = "training_session_soon"
APPROVAL_WAITING = "training_approval_waiting"
WINDOW_CLOSING = "training_window_closing"
WAITLIST_CONFIRMED = "training_waitlist_confirmed"
JP_SHORTFALL = "training_jp_shortfall"
FOLLOW_UP = "training_follow_up"

# Days before the first day: "h3" is also sent 2 days before to whoever missed it (the daily
# run was down, or the seat was confirmed late); "h1" the day before.
SOON_OCCASIONS = {3: "h3", 2: "h3", 1: "h1"}
# Working days a registration may wait for its approver before the reminder, and before the
# OPD's operators hear too (issue 7).
APPROVER_AFTER = 2
OPERATOR_AFTER = 5
# A session's registration window closing in this many days starts the reminder; the message
# also lists the employee's other sessions closing within the week after.
CLOSING_IN_DAYS = 2
CLOSING_LISTED_DAYS = 7
# The JP shortfall reminder runs monthly from this month to December (issue 7: "from 1 October").
SHORTFALL_FROM_MONTH = 10
# How many open sessions a shortfall message suggests, and how many team members a
# supervisor's message names.
SUGGESTED_SESSIONS = 3
SHORTFALL_SESSIONS_CHECKED = 10
TEAM_NAMES_LISTED = 15


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _full_name(front: str, name: str, back: str) -> str:
    """`Employee.full_name` from the values of a row."""
    full = f"{front} {name}".strip()
    return f"{full}, {back}" if back else full


def _session_line(session: Session) -> str:
    return _("• %(title)s (batch %(batch)s, %(start)s – %(end)s) — registration closes %(closes)s") % {
        "title": session.program.title,
        "batch": session.batch,
        "start": _day(session.starts_on),
        "end": _day(session.ends_on),
        "closes": _day(session.registration_closes_on),
    }


# ---------------------------------------------------------------------------------------------
# 1. A session starts soon (confirmed participants)
# ---------------------------------------------------------------------------------------------


def collect_session_soon(today: dt.date) -> Iterable[Due]:
    """Confirmed participants of sessions starting in 3 (or, caught up, 2) days and tomorrow.
    Cancelled and draft sessions, and cancelled or waiting registrations, get nothing. One query."""
    days = {today + dt.timedelta(days=n): n for n in SOON_OCCASIONS}
    rows = (
        Registration.objects.filter(
            state=S.CONFIRMED,
            session__starts_on__in=list(days),
            session__status__in=(SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.RUNNING),
            employee__user__isnull=False,
            employee__user__is_active=True,
        )
        .order_by("session_id", "id")
        .values(
            "pk",
            "session_id",
            "session__batch",
            "session__starts_on",
            "session__ends_on",
            "session__place",
            "session__online_link",
            "session__program__title",
            "employee__user_id",
            "employee__user__email",
        )
    )
    for row in rows:
        left = days[row["session__starts_on"]]
        names = {"title": row["session__program__title"]}
        if left == 1:
            title = _("Your training starts tomorrow: %(title)s") % names
        else:
            title = _("Your training starts in %(days)s days: %(title)s") % {**names, "days": left}
        lines = [
            _("%(title)s, batch %(batch)s: %(start)s – %(end)s.")
            % {
                **names,
                "batch": row["session__batch"],
                "start": _day(row["session__starts_on"]),
                "end": _day(row["session__ends_on"]),
            }
        ]
        if row["session__place"]:
            lines.append(_("Place: %(place)s") % {"place": row["session__place"]})
        if row["session__online_link"]:
            lines.append(_("Online: %(link)s") % {"link": row["session__online_link"]})
        yield Due(
            recipient_id=row["employee__user_id"],
            email=row["employee__user__email"] or "",
            object_key=f"session-{row['session_id']}",
            occasion=SOON_OCCASIONS[left],
            title=title,
            body="\n".join(lines),
            url=reverse("training:registration-detail", args=[row["pk"]]),
        )


# ---------------------------------------------------------------------------------------------
# 2. A registration waits for its approver
# ---------------------------------------------------------------------------------------------


def collect_approval_waiting(today: dt.date) -> Iterable[Due]:
    """Registrations still waiting for the employee's direct supervisor (the approver of
    `services.register`) more than 2 working days after they were submitted — counted with
    `asn_portal.workdays` from the local date of submission, national holidays and cuti
    bersama off — go to the supervisor ("wait2"); more than 5 working days, also to every
    Operator OPD of the employee's OPD ("wait5"). Only for sessions that have not started.
    Three queries: the registrations, the days off, the operators."""
    # More than 2 working days needs at least 3 calendar days: older rows only.
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=APPROVER_AFTER), dt.time.min))
    rows = list(
        Registration.objects.filter(
            state=S.SUBMITTED,
            submitted_at__lt=cutoff,
            session__starts_on__gt=today,
            session__status__in=(SessionStatus.OPEN, SessionStatus.CLOSED),
        )
        .order_by("submitted_at", "id")
        .values(
            "pk",
            "submitted_at",
            "session__program__title",
            "session__registration_closes_on",
            "employee__front_title",
            "employee__name",
            "employee__back_title",
            "employee__opd_id",
            "employee__unit__name",
            "employee__supervisor__front_title",
            "employee__supervisor__name",
            "employee__supervisor__back_title",
            "employee__supervisor__user_id",
            "employee__supervisor__user__email",
            "employee__supervisor__user__is_active",
        )
    )
    if not rows:
        return []
    submitted = {row["pk"]: timezone.localtime(row["submitted_at"]).date() for row in rows}
    off = workdays.days_off(min(submitted.values()), today)
    waited_on: dict[dt.date, int] = {}
    for day in set(submitted.values()):
        waited_on[day] = workdays.working_days_between(day, today, off)
    late = [row for row in rows if waited_on[submitted[row["pk"]]] > APPROVER_AFTER]
    operators: dict[int, list[tuple[int, str]]] = defaultdict(list)
    very_late_opds = {row["employee__opd_id"] for row in late if waited_on[submitted[row["pk"]]] > OPERATOR_AFTER}
    if very_late_opds:
        for grant in (
            OperatorGrant.objects.filter(opd_id__in=very_late_opds, user__is_active=True)
            .order_by("opd_id", "user_id")
            .values("opd_id", "user_id", "user__email")
        ):
            operators[grant["opd_id"]].append((grant["user_id"], grant["user__email"] or ""))
    dues = []
    for row in late:
        days = waited_on[submitted[row["pk"]]]
        names = {
            "name": _full_name(row["employee__front_title"], row["employee__name"], row["employee__back_title"]),
            "title": row["session__program__title"],
            "date": _day(submitted[row["pk"]]),
            "days": days,
            "closes": _day(row["session__registration_closes_on"]),
        }
        key = f"registration-{row['pk']}"
        occasions = ["wait2"] + (["wait5"] if days > OPERATOR_AFTER else [])
        approver = row["employee__supervisor__user_id"]
        if approver and row["employee__supervisor__user__is_active"]:
            for occasion in occasions:
                dues.append(
                    Due(
                        recipient_id=approver,
                        email=row["employee__supervisor__user__email"] or "",
                        object_key=key,
                        occasion=occasion,
                        title=_("Waiting for your approval: %(name)s — %(title)s") % names,
                        body=_(
                            "%(name)s registered for %(title)s on %(date)s and has waited %(days)s working days "
                            "for your decision. Registration closes on %(closes)s."
                        )
                        % names,
                        url=reverse("training:approvals"),
                    )
                )
        if days <= OPERATOR_AFTER:
            continue
        if row["employee__supervisor__name"]:
            supervisor = _full_name(
                row["employee__supervisor__front_title"],
                row["employee__supervisor__name"],
                row["employee__supervisor__back_title"],
            )
            body = _(
                "%(name)s (%(unit)s) registered for %(title)s on %(date)s; their supervisor %(supervisor)s has not "
                "decided after %(days)s working days. Registration closes on %(closes)s."
            ) % {**names, "unit": row["employee__unit__name"], "supervisor": supervisor}
        else:
            body = _(
                "%(name)s (%(unit)s) registered for %(title)s on %(date)s and has waited %(days)s working days; "
                "no direct supervisor is recorded to decide."
            ) % {**names, "unit": row["employee__unit__name"]}
        for user_id, email in operators.get(row["employee__opd_id"], ()):
            dues.append(
                Due(
                    recipient_id=user_id,
                    email=email,
                    object_key=key,
                    occasion="wait5",
                    title=_("Registration waiting over 5 working days: %(name)s — %(title)s") % names,
                    body=body,
                    url=reverse("training:opd"),
                )
            )
    return dues


# ---------------------------------------------------------------------------------------------
# 3. and 5. Sessions an employee short of JP may join
# ---------------------------------------------------------------------------------------------


def _open_sessions(
    today: dt.date, *, closes_from: dt.date, closes_until: dt.date | None = None, limit: int | None = None
) -> list[Session]:
    """Sessions open for registration today (with a seat left, of an active programme) whose
    window closes between the two dates, soonest first, with what `selectors.eligible_for`
    reads. One query."""
    window = Q(registration_closes_on__gte=closes_from)
    if closes_until is not None:
        window &= Q(registration_closes_on__lte=closes_until)
    sessions = (
        selectors.with_offer(
            Session.objects.filter(
                selectors.registration_open_on(today),
                window,
                program__is_active=True,
                confirmed_count__lt=F("capacity"),
            )
        )
        .order_by("registration_closes_on", "starts_on", "id")
        .select_related("program")
    )
    return list(sessions[:limit] if limit else sessions)


def _matches(sessions: list[Session]) -> dict[str, Case]:
    """One boolean annotation per session: whether the employee of the row may join it."""
    return {
        f"may_join_{s.pk}": Case(
            When(selectors.eligible_for(s), then=Value(True)), default=Value(False), output_field=BooleanOutput()
        )
        for s in sessions
    }


def _short_of_jp(year: int):
    """Counted employees (active, DOMAIN.md §6.1) below their JP target for `year`, with an
    active user account."""
    return compliance.with_target(
        compliance.counted(Employee.objects.filter(user__isnull=False, user__is_active=True)), year
    ).filter(jp_total__lt=F("jp_target"))


def collect_window_closing(today: dt.date) -> Iterable[Due]:
    """Employees short of their JP target this year who may join (every prerequisite met, not
    registered) a session whose registration closes in 2 days. At most one message a week
    per employee (occasion: the ISO week; object: the employee): it lists every session they
    may join closing in the 2 to 7 days ahead, so two sessions closing in the same week make
    one message. Two queries: the sessions, then the employees with one eligibility
    condition per session."""
    first = today + dt.timedelta(days=CLOSING_IN_DAYS)
    sessions = _open_sessions(today, closes_from=first, closes_until=today + dt.timedelta(days=CLOSING_LISTED_DAYS))
    triggers = [s for s in sessions if s.registration_closes_on == first]
    if not triggers:
        return []
    matches = _matches(sessions)
    trigger_condition = Q()
    for session in triggers:
        trigger_condition |= selectors.eligible_for(session)
    rows = (
        _short_of_jp(today.year)
        .filter(trigger_condition)
        .annotate(**matches)
        .order_by("id")
        .values("pk", "user_id", "user__email", "jp_total", "jp_target", *matches)
    )
    iso = today.isocalendar()
    occasion = f"{iso.year}-W{iso.week:02d}"
    dues = []
    for row in rows:
        mine = [s for s in sessions if row[f"may_join_{s.pk}"]]
        if not any(s.registration_closes_on == first for s in mine):
            continue
        if len(mine) == 1:
            title = _("Registration closes on %(date)s: %(title)s") % {
                "date": _day(mine[0].registration_closes_on),
                "title": mine[0].program.title,
            }
            url = reverse("training:session-detail", args=[mine[0].pk])
        else:
            title = _("Registration closes soon for %(count)s training sessions you may join") % {"count": len(mine)}
            url = reverse("training:catalogue")
        lines = [
            _("You have %(jp)s of your %(target)s JP for %(year)s. You may still register for:")
            % {"jp": row["jp_total"], "target": row["jp_target"], "year": today.year},
            *(_session_line(s) for s in mine),
        ]
        dues.append(
            Due(
                recipient_id=row["user_id"],
                email=row["user__email"] or "",
                object_key=f"employee-{row['pk']}",
                occasion=occasion,
                title=title,
                body="\n".join(lines),
                url=url,
            )
        )
    return dues


def collect_jp_shortfall(today: dt.date) -> Iterable[Due]:
    """From 1 October to the end of the year, once a month (occasion "YYYY-MM"): every active
    employee below their yearly JP target (DOMAIN.md §6.1), with up to three sessions open for
    registration they may join; and every supervisor with a user account, one message
    listing how many of their direct team (active employees) are short. Two queries: the
    open sessions, then the employees short of JP with their supervisor and one eligibility
    condition per session."""
    if today.month < SHORTFALL_FROM_MONTH:
        return []
    year = today.year
    sessions = _open_sessions(today, closes_from=today, limit=SHORTFALL_SESSIONS_CHECKED)
    matches = _matches(sessions)
    rows = (
        compliance.with_target(compliance.counted(Employee.objects.all()), year)
        .filter(jp_total__lt=F("jp_target"))
        .filter(
            Q(user__isnull=False, user__is_active=True)
            | Q(
                supervisor__user__isnull=False,
                supervisor__user__is_active=True,
                supervisor__status__in=EmployeeStatus.in_service(),
            )
        )
        .annotate(**matches)
        .order_by("name", "id")
        .values(
            "pk",
            "front_title",
            "name",
            "back_title",
            "user_id",
            "user__email",
            "user__is_active",
            "jp_total",
            "jp_target",
            "supervisor_id",
            "supervisor__user_id",
            "supervisor__user__email",
            "supervisor__user__is_active",
            "supervisor__status",
            *matches,
        )
    )
    occasion = f"{year}-{today.month:02d}"
    dues = []
    teams: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        supervisor_reachable = row["supervisor__user_id"] and row["supervisor__user__is_active"]
        if supervisor_reachable and row["supervisor__status"] in EmployeeStatus.in_service():
            teams[row["supervisor_id"]].append(row)
        if not (row["user_id"] and row["user__is_active"]):
            continue
        numbers = {
            "jp": row["jp_total"],
            "target": row["jp_target"],
            "year": year,
            "missing": row["jp_target"] - row["jp_total"],
        }
        lines = [_("You have %(jp)s of your %(target)s JP for %(year)s.") % numbers]
        suggested = [s for s in sessions if row[f"may_join_{s.pk}"]][:SUGGESTED_SESSIONS]
        if suggested:
            lines.append(_("Sessions open for registration that you may join:"))
            lines.extend(_session_line(s) for s in suggested)
        else:
            lines.append(_("No session you may join is open for registration right now; look again in the catalogue."))
        lines.append(_("Outside learning (e-learning, seminars) counts too once your OPD verifies it."))
        dues.append(
            Due(
                recipient_id=row["user_id"],
                email=row["user__email"] or "",
                object_key=f"employee-{row['pk']}",
                occasion=occasion,
                title=_("%(missing)s JP to go to reach your %(year)s target") % numbers,
                body="\n".join(lines),
                url=reverse("training:catalogue"),
            )
        )
    for supervisor_id, team in teams.items():
        first = team[0]
        lines = [
            _("%(name)s: %(jp)s of %(target)s JP")
            % {
                "name": _full_name(row["front_title"], row["name"], row["back_title"]),
                "jp": row["jp_total"],
                "target": row["jp_target"],
            }
            for row in team[:TEAM_NAMES_LISTED]
        ]
        if len(team) > TEAM_NAMES_LISTED:
            lines.append(_("… and %(count)s more.") % {"count": len(team) - TEAM_NAMES_LISTED})
        dues.append(
            Due(
                recipient_id=first["supervisor__user_id"],
                email=first["supervisor__user__email"] or "",
                object_key=f"team-{supervisor_id}",
                occasion=occasion,
                title=_("%(count)s of your team are below their %(year)s JP target")
                % {"count": len(team), "year": year},
                body="\n".join(lines),
                url=reverse("training:approvals"),
            )
        )
    return dues


# ---------------------------------------------------------------------------------------------
# Sent by the services themselves (4. waitlist confirmed, 6. follow-up question)
# ---------------------------------------------------------------------------------------------


def _sent_by_the_service(today: dt.date) -> Iterable[Due]:
    """The message leaves at once from a service (`asn_portal.services.notify(kind=...)`);
    the kind is registered so it shows on the notification settings page."""
    return []


KINDS = (
    ReminderKind(
        code=SESSION_SOON,
        label=gettext_lazy("Training starting soon"),
        description=gettext_lazy(
            "To confirmed participants, three days before a training session starts and the day before."
        ),
        collect=collect_session_soon,
        hour=6,
        order=20,
    ),
    ReminderKind(
        code=APPROVAL_WAITING,
        label=gettext_lazy("Training registrations waiting for approval"),
        description=gettext_lazy(
            "To the supervisor when a training registration has waited more than 2 working days for their "
            "decision; after 5 working days also to the OPD's operators."
        ),
        collect=collect_approval_waiting,
        mandatory=True,
        hour=7,
        order=21,
    ),
    ReminderKind(
        code=WINDOW_CLOSING,
        label=gettext_lazy("Registration closing for training you may need"),
        description=gettext_lazy(
            "To employees below their yearly JP target when registration for a session they may join closes in "
            "2 days; at most once a week."
        ),
        collect=collect_window_closing,
        hour=6,
        minute=15,
        order=22,
    ),
    ReminderKind(
        code=WAITLIST_CONFIRMED,
        label=gettext_lazy("Seat confirmed from the waiting list"),
        description=gettext_lazy("To the employee at once when a seat frees up for their waitlisted registration."),
        collect=_sent_by_the_service,
        order=23,
    ),
    ReminderKind(
        code=JP_SHORTFALL,
        label=gettext_lazy("JP shortfall"),
        description=gettext_lazy(
            "From October, monthly: to employees below their yearly JP target, with sessions open for "
            "registration, and to their supervisors with how many of their team are short."
        ),
        collect=collect_jp_shortfall,
        hour=6,
        minute=30,
        order=24,
    ),
    ReminderKind(
        code=FOLLOW_UP,
        label=gettext_lazy("Follow-up question after a training"),
        description=gettext_lazy(
            "To the supervisor three months after a subordinate completed a training: is it used at work?"
        ),
        collect=_sent_by_the_service,
        mandatory=True,
        order=25,
    ),
)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)
