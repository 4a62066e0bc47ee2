"""Training (DOMAIN.md §6): the catalogue (Program), sessions (angkatan) with seats and OPD
quotas, registrations and their state machine, attendance, results and certificates,
evaluations, outside learning, and the JP ledger.

JP (jam pelajaran) is the unit of competency development: 1 JP = 45 minutes; every PNS has the
right and duty to at least 20 JP a year (PP 17/2020; DOMAIN.md §6.1). JP count in the calendar
year in which the session or the outside learning ended."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asn_portal.models import Employee, OrgUnit, Rank
from asn_portal.uploads import random_name


class ProgramCategory(models.TextChoices):
    """DOMAIN.md §6.2–6.3 (the demo catalogue's categories)."""

    BIMTEK = "bimtek", _("Bimtek (technical guidance)")
    DIKLAT_TEKNIS = "diklat_teknis", _("Technical training (Diklat teknis)")
    DIKLAT_FUNGSIONAL = "diklat_fungsional", _("Functional training (Diklat fungsional)")
    PKN1 = "pkn1", _("Leadership: PKN Tingkat I")
    PKN2 = "pkn2", _("Leadership: PKN Tingkat II")
    PKA = "pka", _("Leadership: PKA (administrator)")
    PKP = "pkp", _("Leadership: PKP (pengawas)")
    LATSAR = "latsar", _("Latsar CPNS (basic training)")
    SEMINAR = "seminar", _("Seminar / workshop")
    KURSUS = "kursus", _("Course")
    ELEARNING = "elearning", _("E-learning")
    COACHING = "coaching", _("Coaching / mentoring")
    MAGANG = "magang", _("Internship (magang)")

    @classmethod
    def leadership(cls):
        return (cls.PKN1, cls.PKN2, cls.PKA, cls.PKP)


class Method(models.TextChoices):
    KLASIKAL = "klasikal", _("Classroom (klasikal)")
    NONKLASIKAL = "nonklasikal", _("Non-classroom (non-klasikal)")
    BLENDED = "blended", _("Blended")


class Organiser(models.TextChoices):
    BKPP = "bkpp", _("BKPP")
    BPSDMD_JATENG = "bpsdmd_jateng", _("BPSDMD Jawa Tengah")
    LAN = "lan", _("LAN")
    LAINNYA = "lainnya", _("Other")


class ProgramQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Program(models.Model):
    """A training programme in the catalogue. Prerequisites are lists of allowed values; an
    empty list means "anyone" (rules.eligibility checks them)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=ProgramCategory.choices, db_index=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    default_jp = models.PositiveSmallIntegerField(_("default JP"))
    organiser = models.CharField(_("organiser"), max_length=20, choices=Organiser.choices, db_index=True)
    organiser_name = models.CharField(_("organiser (name)"), max_length=160, blank=True)
    competencies = models.JSONField(_("competencies"), default=list, blank=True)  # free tags
    description = models.TextField(_("description"), blank=True)
    min_rank = models.ForeignKey(
        Rank, verbose_name=_("lowest rank"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    max_rank = models.ForeignKey(
        Rank, verbose_name=_("highest rank"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position_kinds = models.JSONField(_("for position kinds"), default=list, blank=True)
    jenjang = models.JSONField(_("for JF levels"), default=list, blank=True)
    employment_types = models.JSONField(_("for employment types"), default=list, blank=True)
    prior_program = models.ForeignKey(
        "self", verbose_name=_("requires first"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    blocked_by_sanction = models.BooleanField(
        _("closed to employees under a moderate or severe sanction"),
        default=False,
        help_text=_("Leadership training: yes (DOMAIN.md §8.3)."),
    )
    mandatory_for_position_kinds = models.JSONField(_("mandatory for position kinds"), default=list, blank=True)
    is_integrity_training = models.BooleanField(
        _("integrity / anti-corruption training"),
        default=False,
        help_text=_("Mandatory for holders of positions with corruption-prone duties."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        constraints = [
            models.CheckConstraint(condition=Q(default_jp__gt=0), name="program_jp_positive"),
            models.CheckConstraint(
                condition=Q(min_rank__isnull=True) | Q(max_rank__isnull=True) | Q(min_rank__lte=F("max_rank")),
                name="program_rank_range_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_leadership(self) -> bool:
        return self.category in ProgramCategory.leadership()


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for registration")
    CLOSED = "closed", _("Registration closed")
    RUNNING = "running", pgettext_lazy("session status", "Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class ConfirmationMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic when approved")
    BKPP = "bkpp", _("BKPP confirms")


class Session(models.Model):
    """One run (angkatan) of a programme. `confirmed_count` is kept by the allocation service
    under a row lock, and a check constraint makes overbooking impossible even if code erred."""

    program = models.ForeignKey(Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions")
    batch = models.PositiveSmallIntegerField(_("batch (angkatan)"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    jp = models.PositiveSmallIntegerField(_("JP"))
    capacity = models.PositiveIntegerField(_("seats"))
    confirmed_count = models.PositiveIntegerField(_("seats taken"), default=0)
    registration_opens_on = models.DateField(_("registration opens"))
    registration_closes_on = models.DateField(_("registration closes"))
    cancellation_deadline = models.DateField(_("cancellation deadline"))
    approval_required = models.BooleanField(
        _("needs the supervisor's approval"),
        default=True,
        help_text=_(
            "Off for open events (e.g. e-learning, seminars): a registration goes straight to seat allocation."
        ),
    )
    confirmation_mode = models.CharField(
        _("confirmation"), max_length=20, choices=ConfirmationMode.choices, default=ConfirmationMode.AUTOMATIC
    )
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    cost_per_participant = models.DecimalField(
        _("cost per participant (Rp)"), max_digits=14, decimal_places=0, default=0
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.UniqueConstraint(fields=["program", "batch"], name="session_batch_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(jp__gt=0), name="session_jp_positive"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
            # The database-level guarantee: never more confirmed seats than seats.
            models.CheckConstraint(condition=Q(confirmed_count__lte=F("capacity")), name="session_not_overbooked"),
            models.CheckConstraint(
                condition=Q(registration_closes_on__gte=F("registration_opens_on")), name="session_registration_window"
            ),
            models.CheckConstraint(condition=Q(cost_per_participant__gte=0), name="session_cost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="session_status_start"),
            models.Index(fields=["starts_on", "ends_on"], name="session_dates"),
        ]

    def __str__(self):
        return f"{self.program.title} — {_('batch')} {self.batch}"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    def registration_open_on(self, on: dt.date) -> bool:
        return self.status == SessionStatus.OPEN and self.registration_opens_on <= on <= self.registration_closes_on


class SessionDay(models.Model):
    """A day of the session's schedule; attendance is ticked per day."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session day")
        verbose_name_plural = _("session days")
        constraints = [models.UniqueConstraint(fields=["session", "date"], name="session_day_unique")]

    def __str__(self):
        return f"{self.session} {self.date:%Y-%m-%d}"


class SessionQuota(models.Model):
    """Seats reserved for (and limited to) one OPD until `release_on`; from that day unused
    seats return to the general pool and the limit no longer applies."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="quotas")
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField(_("seats"))
    release_on = models.DateField(_("unused seats released on"))

    class Meta:
        verbose_name = _("OPD quota")
        verbose_name_plural = _("OPD quotas")
        constraints = [
            models.UniqueConstraint(fields=["session", "opd"], name="session_quota_unique"),
            models.CheckConstraint(condition=Q(seats__gt=0), name="session_quota_positive"),
        ]

    def __str__(self):
        return f"{self.opd} {self.seats}"


class RegistrationState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the supervisor")
    APPROVED = "approved", _("Approved, waiting for a seat")
    CONFIRMED = "confirmed", _("Seat confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    COMPLETED = "completed", _("Completed (passed)")
    FAILED = "failed", _("Did not pass")
    NO_SHOW = "no_show", _("Did not attend")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def live(cls):
        """A registration in one of these states blocks a second one for the same session."""
        return (cls.SUBMITTED, cls.APPROVED, cls.CONFIRMED, cls.WAITLISTED, cls.COMPLETED, cls.FAILED, cls.NO_SHOW)

    @classmethod
    def pending(cls):
        return (cls.SUBMITTED, cls.APPROVED, cls.WAITLISTED)


class Registration(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="registrations"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="training_registrations"
    )
    # The employee's OPD when they registered: quotas and reports count by it.
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=RegistrationState.choices, default=RegistrationState.SUBMITTED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    motivation = models.TextField(_("why this training"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    # When it entered seat allocation (approved): the waiting list's arrival order.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    result_notes = models.TextField(_("result notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "employee"],
                condition=Q(state__in=RegistrationState.live()),
                name="registration_one_live_per_session",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="registration_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "state", "queued_at", "id"], name="registration_queue"),
            models.Index(fields=["employee", "state"], name="registration_employee_state"),
            models.Index(fields=["opd", "state"], name="registration_opd_state"),
        ]

    def __str__(self):
        return f"{self.employee.name} — {self.session}"


class RegistrationEvent(models.Model):
    """Every transition: from, to, who, when and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=RegistrationState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=RegistrationState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("registration step")
        verbose_name_plural = _("registration steps")
        indexes = [models.Index(fields=["registration", "at"], name="registration_event_at")]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    day = models.ForeignKey(SessionDay, on_delete=models.CASCADE, related_name="attendance")
    is_present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="attendance_once_per_day")]

    def __str__(self):
        return f"{self.registration} {self.day.date:%Y-%m-%d}"


class Certificate(models.Model):
    """The STTPP / certificate of a completed registration. `code` is the unguessable key of
    the public verification page; `number` is what is printed."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("number"), max_length=60, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    jp = models.PositiveSmallIntegerField(_("JP"))
    issued_on = models.DateField(_("issued on"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.CheckConstraint(condition=Q(jp__gt=0), name="certificate_jp_positive")]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class Evaluation(models.Model):
    """The participant's short questionnaire after the session (ratings 1–5)."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="evaluation")
    content = models.PositiveSmallIntegerField(_("content"))
    trainer = models.PositiveSmallIntegerField(_("trainer"))
    organisation = models.PositiveSmallIntegerField(_("organisation"))
    usefulness = models.PositiveSmallIntegerField(_("usefulness"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    content__gte=1,
                    content__lte=5,
                    trainer__gte=1,
                    trainer__lte=5,
                    organisation__gte=1,
                    organisation__lte=5,
                    usefulness__gte=1,
                    usefulness__lte=5,
                ),
                name="evaluation_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return str(self.registration)


class FollowUp(models.Model):
    """Three months after the session the supervisor is asked: is it used at work?"""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="follow_up")
    supervisor = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField(_("asked on"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    is_used = models.BooleanField(_("used at work"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("supervisor follow-up")
        verbose_name_plural = _("supervisor follow-ups")

    def __str__(self):
        return str(self.registration)


class OutsideStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def _outside_certificate_path(instance, filename):
    return random_name(instance, filename, "training/outside")


class OutsideLearning(models.Model):
    """Training done elsewhere (a LAN e-learning, a seminar, a PKA at BPSDMD). Counts toward JP
    once the OPD operator or BKPP verifies it."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="outside_learning"
    )
    opd = models.ForeignKey(OrgUnit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=ProgramCategory.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    certificate = models.FileField(_("certificate"), upload_to=_outside_certificate_path)
    certificate_type = models.CharField(_("certificate type"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=OutsideStatus.choices, default=OutsideStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outside learning")
        verbose_name_plural = _("outside learning")
        constraints = [
            models.CheckConstraint(condition=Q(jp__gt=0), name="outside_jp_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="outside_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status=OutsideStatus.REJECTED) | ~Q(reason=""), name="outside_rejection_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "status", "ends_on"], name="outside_employee_status_end"),
            models.Index(fields=["opd", "status"], name="outside_opd_status"),
        ]

    def __str__(self):
        return self.title
