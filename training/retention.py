"""The retention rules of training (issue 8, asn_portal.retention), registered from
TrainingConfig.ready(). Registrations, attendance, certificates, follow-ups and outside learning
are the employee's competency-development record (the JP ledger, Peraturan LAN 10/2018; the
certificates go into the personnel file): kept. Only the free-text comment of an evaluation
expires; its ratings stay for the programme's statistics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from asn_portal import retention

COMPETENCY_RECORD = (
    "Competency-development record of the employee (JP ledger, DOMAIN.md §6.1; Peraturan LAN 10/2018): part of the "
    "personnel file, kept with it."
)


def register() -> None:
    from training.models import Evaluation

    retention.register(
        retention.RetentionRule(
            code="training_evaluation_comments",
            kind=_("Comments in training evaluations"),
            model=Evaluation,
            age_field="submitted_at",
            days=2 * 365,
            action=retention.Action.ANONYMISE,
            values={"comment": ""},
            reason="Operational: a comment helps improve the next sessions of the programme (planned yearly); "
            "after two years it has served. The ratings stay for the programme's statistics.",
            order=200,
        )
    )
    for label in (
        "training.registration",
        "training.registrationevent",
        "training.attendance",
        "training.certificate",
        "training.followup",
        "training.outsidelearning",
    ):
        retention.keep(label, COMPETENCY_RECORD)
    retention.keep(
        "training.session",
        "The training catalogue: names its creator only as the actor; no personal data of participants.",
    )
