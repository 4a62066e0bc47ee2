"""Promotion eligibility for a whole city (issue 5, Performance), on PostgreSQL:

1. the set-based run (`careers.eligibility.eligible`) against one hand-written SQL query that
   computes the same eligible set over the same data — the sets must be identical, and the
   ratio of their times is printed (goal: within 2x);
2. the set-based run against the per-employee explanation (`eligibility.explain`) in a loop,
   measured on a sample and scaled to everyone (goal: at least 50x faster);
3. the peak Python memory of the streamed set-based run (it must stay flat: rows are streamed
   through a server-side cursor, never held as 100,000 objects), and its query count.

    .venv/bin/python bench/eligibility_bench.py --database-url postgres://app:app@127.0.0.1:5433/eligbench
    .venv/bin/python bench/eligibility_bench.py --database-url ... --employees 20000 --sample 500

A database named after the URL's plus the size ("eligbench_100000") is created, migrated and
filled with a synthetic city with full histories — ranks, posts, diplomas, seven years of SKP,
service exams, PAKs, sanctions, integrity cases, leadership training — written with COPY in
chunks (memory stays flat), then dropped (`--keep` keeps it for another run with `--reuse`).
The role needs CREATEDB. Timings are the best of three runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 (after the path)

PERIOD = dt.date(2026, 10, 1)
CHUNK = 5000
OPDS = 30


# ---------------------------------------------------------------------------------------------
# The synthetic city
# ---------------------------------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
    import django

    django.setup()


class _Copier:
    """COPY rows of a model into its table (text format), with the model's defaults for the
    fields a row leaves out."""

    def __init__(self, model, with_id: bool = False):
        from django.db.models import NOT_PROVIDED
        from django.utils import timezone

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.defaults = {}
        now = timezone.now()
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            elif field.default is not NOT_PROVIDED:
                self.defaults[field.attname] = field.default() if callable(field.default) else field.default
            elif not field.null and field.empty_strings_allowed:
                self.defaults[field.attname] = ""  # blank text columns
            else:
                self.defaults[field.attname] = None
        self.buffer = io.StringIO()
        self.count = 0

    @staticmethod
    def _text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return str(value)

    def add(self, **values) -> None:
        row = [self._text(values[f.attname] if f.attname in values else self.defaults[f.attname]) for f in self.fields]
        self.buffer.write("\t".join(row) + "\n")
        self.count += 1

    def flush(self, cursor) -> None:
        if not self.count:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        cursor.copy_expert(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN', self.buffer)
        self.buffer = io.StringIO()
        self.count = 0


def _first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def generate(employees: int, seed: int = 2026) -> dict:
    """Fill the database with a city of `employees`; returns counts per table."""
    _django()
    from dateutil.relativedelta import relativedelta
    from django.db import connection, transaction

    from asn_portal import services
    from asn_portal.models import EducationLevel, Employee, OrgUnitKind, Position, PositionKind
    from careers.models import (
        CreditAssessment,
        CreditRequirement,
        EducationHistory,
        ExamResult,
        PerformanceRating,
        PositionHistory,
        RankHistory,
    )
    from integrity.models import IntegrityCase, Sanction, SanctionType
    from training.models import OutsideLearning, Program, Registration, Session

    rng = random.Random(seed)
    levels = {level.code: level for level in EducationLevel.objects.all()}
    sanction_types = list(SanctionType.objects.values_list("id", "duration_months", "is_dismissal"))
    jenjang_ranks: dict[str, list[int]] = {}
    for jenjang, rank_id in CreditRequirement.objects.order_by("rank_id").values_list("jenjang", "rank_id"):
        jenjang_ranks.setdefault(jenjang, []).append(rank_id)

    with transaction.atomic():
        opds = [
            services.create_org_unit(
                code=f"BENCH-{i:02d}", name=f"Dinas Bench {i:02d}", kind=OrgUnitKind.DINAS, parent=None, by=None
            )
            for i in range(OPDS)
        ]
        # (key, kind, jenjang, lowest, highest, name, weight, educations)
        catalogue = [
            (
                "pelaksana",
                PositionKind.PELAKSANA,
                "",
                None,
                None,
                "Pengadministrasi Umum",
                42,
                {"SLTA": 40, "D3": 20, "S1": 35, "S2": 5},
            ),
            (
                "guru",
                PositionKind.FUNGSIONAL_KEAHLIAN,
                "ahli_pertama",
                None,
                None,
                "Guru Kelas",
                10,
                {"S1": 85, "S2": 15},
            ),
            (
                "guru_muda",
                PositionKind.FUNGSIONAL_KEAHLIAN,
                "ahli_muda",
                None,
                None,
                "Guru Kelas",
                8,
                {"S1": 80, "S2": 20},
            ),
            (
                "ahli_pertama",
                PositionKind.FUNGSIONAL_KEAHLIAN,
                "ahli_pertama",
                None,
                None,
                "Analis Kebijakan",
                6,
                {"S1": 70, "S2": 25, "PROFESI": 5},
            ),
            (
                "ahli_muda",
                PositionKind.FUNGSIONAL_KEAHLIAN,
                "ahli_muda",
                None,
                None,
                "Analis Kebijakan",
                5,
                {"S1": 60, "S2": 40},
            ),
            (
                "ahli_madya",
                PositionKind.FUNGSIONAL_KEAHLIAN,
                "ahli_madya",
                None,
                None,
                "Dokter",
                2,
                {"PROFESI": 60, "S2": 40},
            ),
            (
                "terampil",
                PositionKind.FUNGSIONAL_KETERAMPILAN,
                "terampil",
                None,
                None,
                "Perawat",
                5,
                {"D3": 70, "SLTA": 20, "S1": 10},
            ),
            ("mahir", PositionKind.FUNGSIONAL_KETERAMPILAN, "mahir", None, None, "Perawat", 3, {"D3": 60, "S1": 40}),
            (
                "penyelia",
                PositionKind.FUNGSIONAL_KETERAMPILAN,
                "penyelia",
                None,
                None,
                "Perawat",
                2,
                {"D3": 50, "S1": 50},
            ),
            ("pengawas", PositionKind.PENGAWAS, "", 10, 11, "Kepala Seksi", 7, {"S1": 75, "D3": 5, "S2": 20}),
            ("pengawas_tinggi", PositionKind.PENGAWAS, "", 11, 12, "Kepala Subbagian", 3, {"S1": 70, "S2": 30}),
            ("administrator", PositionKind.ADMINISTRATOR, "", 12, 13, "Sekretaris Dinas", 3, {"S1": 40, "S2": 60}),
            ("jpt", PositionKind.JPT_PRATAMA, "", 14, 15, "Kepala Dinas", 1, {"S2": 80, "S3": 20}),
        ]
        posts = {}
        for opd in opds:
            for key, kind, jenjang, lowest, highest, name, *_rest in catalogue:
                posts[(opd.pk, key)] = Position(
                    name=name, kind=kind, jenjang=jenjang, unit=opd, min_rank_id=lowest, max_rank_id=highest
                )
        Position.objects.bulk_create(posts.values(), batch_size=1000)
        programs = {
            category: Program.objects.create(
                code=f"BENCH-{category}",
                title=category.upper(),
                category=category,
                method="blended",
                default_jp=400,
                organiser="bkpp",
            )
            for category in ("pkp", "pka", "pkn2")
        }
        sessions = []
        for program in programs.values():
            for batch, ends_on in enumerate(
                (dt.date(2023, 6, 30), dt.date(2024, 6, 30), dt.date(2025, 11, 30), dt.date(2026, 11, 30)), 1
            ):
                sessions.append(
                    Session.objects.create(
                        program=program,
                        batch=batch,
                        starts_on=ends_on - dt.timedelta(days=100),
                        ends_on=ends_on,
                        jp=400,
                        capacity=100_000,
                        registration_opens_on=dt.date(2023, 1, 1),
                        registration_closes_on=dt.date(2023, 2, 1),
                        cancellation_deadline=dt.date(2023, 2, 1),
                    )
                )

    keys = [row[0] for row in catalogue]
    weights = [row[6] for row in catalogue]
    by_key = {row[0]: row for row in catalogue}
    start_id = (Employee.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copiers = {
        model: _Copier(model, with_id=model is Employee)
        for model in (
            Employee,
            RankHistory,
            PositionHistory,
            EducationHistory,
            PerformanceRating,
            ExamResult,
            CreditAssessment,
            Sanction,
            IntegrityCase,
            Registration,
            OutsideLearning,
        )
    }
    counts = dict.fromkeys((m.__name__ for m in copiers), 0)
    good = ["baik"] * 70 + ["sangat_baik"] * 15 + ["butuh_perbaikan"] * 10 + ["kurang"] * 4 + ["sangat_kurang"]

    def pick(table: dict) -> str:
        return rng.choices(list(table), weights=list(table.values()))[0]

    with connection.cursor() as cursor:
        for offset in range(employees):
            pk = start_id + offset
            opd = opds[offset % OPDS]
            key = rng.choices(keys, weights=weights)[0]
            _key, kind, jenjang, lowest, highest, post_name, _weight, educations = by_key[key]
            education = levels[pick(educations)]
            roll = rng.random()
            employment_type = (
                "pns" if roll < 0.80 else "cpns" if roll < 0.85 else "pppk" if roll < 0.95 else "pppk_paruh_waktu"
            )
            pppk = employment_type.startswith("pppk")
            status = "aktif"
            if employment_type == "pns":
                roll = rng.random()
                status = (
                    "tugas_belajar"
                    if roll < 0.015
                    else "cltn"
                    if roll < 0.02
                    else "diberhentikan_sementara"
                    if roll < 0.025
                    else "pensiun"
                    if roll < 0.04
                    else "aktif"
                )
            age = rng.randint(24, 57) if status != "pensiun" else rng.randint(58, 62)
            if rng.random() < 0.03:
                age = rng.choice([57, 58, 59, 60])  # around the retirement age
            born_on = dt.date(PERIOD.year - age, rng.randint(1, 12), rng.randint(1, 28))
            cpns_on = dt.date(born_on.year + rng.randint(22, min(35, age - 1)), rng.randint(1, 12), 1)
            cpns_on = min(cpns_on, _months_before(PERIOD, 3))
            if employment_type == "cpns":
                cpns_on = _months_before(PERIOD, rng.randint(1, 11))
            pns_on = _months_before(cpns_on, -12) if employment_type == "pns" else None
            if pns_on and pns_on > PERIOD:
                pns_on = None
                employment_type = "cpns"
            # The rank: within the post's or the jenjang's ranks, or what the diploma allows.
            start = education.starting_rank_id
            if jenjang:
                ranks = [r for r in jenjang_ranks[jenjang] if r >= start] or jenjang_ranks[jenjang]
                rank = rng.choice(ranks)
            elif lowest:
                rank = rng.randint(lowest - 1, highest)
            else:
                rank = rng.randint(start, education.regular_promotion_ceiling_id)
            rank = max(rank, start) if not lowest else rank
            months_in_rank = rng.choice([rng.randint(0, 96), 24, 48, 12, rng.randint(20, 52)])
            tmt_on = max(_months_before(PERIOD, months_in_rank), cpns_on)
            since_on = max(cpns_on, _months_before(tmt_on, rng.randint(-24, 60)))
            since_on = min(since_on, PERIOD)
            if employment_type == "cpns":
                rank, tmt_on = start, cpns_on
            adjusting = employment_type == "pns" and rng.random() < 0.04 and education.code in ("SLTA", "D3", "S1")
            new_level = None
            if adjusting:
                new_level = levels[{"SLTA": "D3", "D3": "S1", "S1": "S2"}[education.code]]
                rank = min(rank, new_level.starting_rank_id - 1) if new_level.starting_rank_id > start else rank
            copiers[Employee].add(
                id=pk,
                nip=f"{born_on:%Y%m%d}{pk:010d}",  # unique; a real NIP's layout does not matter here
                name=f"Pegawai {pk}",
                employment_type=employment_type,
                status=status,
                gender="L" if pk % 2 else "P",
                born_on=born_on,
                unit_id=opd.pk,
                opd_id=opd.pk,
                position_id=None if pppk and rng.random() < 0.5 else posts[(opd.pk, key)].pk,
                rank_id=None if pppk else rank,
                rank_tmt_on=None if pppk else tmt_on,
                pppk_grade=rng.randint(5, 11) if pppk else None,
                education_id=(new_level or education).pk,
                cpns_tmt_on=None if pppk else cpns_on,
                pns_tmt_on=pns_on,
                position_since_on=since_on,
            )
            if pppk:
                continue
            # Rank history: CPNS, PNS, promotions every four years or so up to the rank.
            history_days = {cpns_on: ("cpns", start)}
            if pns_on:
                history_days.setdefault(pns_on, ("pns", start))
            steps = list(range(start + 1, rank))[-4:]
            for index, step in enumerate(steps, 1):
                day = _months_before(tmt_on, 48 * (len(steps) - index + 1))
                if cpns_on < day < tmt_on and (not pns_on or day > pns_on):
                    history_days.setdefault(day, ("reguler", step))
            history_days.setdefault(tmt_on, ("reguler", rank))
            for day, (entry, rank_id) in history_days.items():
                copiers[RankHistory].add(
                    employee_id=pk,
                    rank_id=rank_id,
                    tmt_on=day,
                    kind=entry,
                    decree_number=f"823/{pk}/{day:%Y%m}",
                    decree_on=day,
                )
            # Posts: the current one, often after an earlier post (another jenjang or pelaksana).
            if rng.random() < 0.45 and since_on > cpns_on:
                earlier = rng.choice(["", "terampil", "ahli_pertama"]) if jenjang else ""
                earlier_kind = (
                    PositionKind.PELAKSANA
                    if not earlier
                    else PositionKind.FUNGSIONAL_KETERAMPILAN
                    if earlier == "terampil"
                    else PositionKind.FUNGSIONAL_KEAHLIAN
                )
                copiers[PositionHistory].add(
                    employee_id=pk,
                    name="Jabatan lama",
                    kind=earlier_kind,
                    jenjang=earlier,
                    unit_id=opd.pk,
                    tmt_on=cpns_on,
                )
            copiers[PositionHistory].add(
                employee_id=pk,
                position_id=posts[(opd.pk, key)].pk,
                name=post_name,
                kind=kind,
                jenjang=jenjang,
                unit_id=opd.pk,
                tmt_on=since_on,
            )
            # Diplomas: the one used at appointment, and for some a newer one.
            copiers[EducationHistory].add(
                employee_id=pk,
                level_id=education.pk,
                institution="Universitas Diponegoro",
                graduated_on=dt.date(cpns_on.year - 1, 8, rng.randint(1, 28)),
            )
            path = ""
            if new_level is not None:
                graduated_on = tmt_on + dt.timedelta(days=rng.randint(30, max(31, (PERIOD - tmt_on).days - 1)))
                path = rng.choice(["tugas_belajar", "izin_belajar", "izin_belajar"])
                copiers[EducationHistory].add(
                    employee_id=pk,
                    level_id=new_level.pk,
                    institution="Universitas Terbuka",
                    graduated_on=graduated_on,
                    path=path,
                )
            # Seven years of SKP (a few missing).
            for year in range(max(2019, cpns_on.year), PERIOD.year):
                if rng.random() < 0.02:
                    continue
                copiers[PerformanceRating].add(employee_id=pk, year=year, predikat=rng.choice(good))
            # Service exams.
            if rank in (8, 12) and rng.random() < 0.4:
                copiers[ExamResult].add(
                    employee_id=pk,
                    kind="UD1" if rank == 8 else "UD2",
                    passed_on=dt.date(rng.randint(2018, 2026), 11, 20),
                )
            if path == "izin_belajar" and rng.random() < 0.5:
                copiers[ExamResult].add(employee_id=pk, kind="UKPPI", passed_on=dt.date(2026, 4, rng.randint(1, 28)))
            # PAKs of JF holders: the integration PAK and for some an annual one.
            if jenjang and rng.random() < 0.7:
                copiers[CreditAssessment].add(
                    employee_id=pk,
                    assessed_on=dt.date(2022, 12, 31),
                    jenjang=jenjang,
                    total=Decimal(rng.randint(0, 150_000)) / 1000,
                )
                if rng.random() < 0.4:
                    copiers[CreditAssessment].add(
                        employee_id=pk,
                        assessed_on=dt.date(2024, 12, 31),
                        jenjang=jenjang,
                        total=Decimal(rng.randint(10_000, 200_000)) / 1000,
                    )
            # Discipline.
            if rng.random() < 0.02:
                type_id, months, dismissal = rng.choice(sanction_types)
                starts_on = PERIOD - dt.timedelta(days=rng.randint(0, 720))
                ends_on = (
                    None if dismissal else starts_on if months is None else starts_on + relativedelta(months=months)
                )
                copiers[Sanction].add(
                    employee_id=pk,
                    type_id=type_id,
                    decree_number=f"800/{pk}",
                    decree_on=starts_on,
                    issued_by="Wali Kota Semarang",
                    starts_on=starts_on,
                    ends_on=ends_on,
                    violation="-",
                )
            if rng.random() < 0.01:
                opened_on = PERIOD - dt.timedelta(days=rng.randint(0, 500))
                closed = rng.random() < 0.5
                copiers[IntegrityCase].add(
                    employee_id=pk,
                    category="lainnya",
                    source="masyarakat",
                    alleged_level=rng.choice(["ringan", "sedang", "berat"]),
                    summary="-",
                    status="ditutup" if closed else "klarifikasi",
                    opened_on=opened_on,
                    closed_on=opened_on + dt.timedelta(days=60) if closed else None,
                )
            # Leadership training.
            if rng.random() < (0.3 if kind in PositionKind.leadership() else 0.01):
                copiers[Registration].add(
                    session_id=rng.choice(sessions).pk,
                    employee_id=pk,
                    opd_id=opd.pk,
                    state=rng.choice(["completed", "completed", "failed"]),
                )
            elif rng.random() < 0.005:
                copiers[OutsideLearning].add(
                    employee_id=pk,
                    opd_id=opd.pk,
                    title="PKA BPSDMD",
                    organiser="BPSDMD Jawa Tengah",
                    category="pka",
                    starts_on=dt.date(2024, 3, 1),
                    ends_on=dt.date(2024, 6, 30),
                    jp=900,
                    certificate="training/outside/pka.pdf",
                    certificate_type="STTPP",
                    status="verified",
                )
            if (offset + 1) % CHUNK == 0 or offset + 1 == employees:
                with transaction.atomic():
                    for model, copier in copiers.items():
                        counts[model.__name__] += copier.count
                        copier.flush(cursor)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('asn_portal_employee', 'id'), (SELECT MAX(id) FROM asn_portal_employee))"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


# ---------------------------------------------------------------------------------------------
# The hand-written query
# ---------------------------------------------------------------------------------------------

HAND_WRITTEN = """
WITH coefficient AS MATERIALIZED (  -- the coefficient in force in each year, per jenjang (§4.2)
    SELECT DISTINCT ON (cc.jenjang, y.year) cc.jenjang, y.year, ROUND(cc.coefficient * 100)::int AS centi
    FROM careers_creditcoefficient cc
    JOIN generate_series(1990, %(year_now)s) AS y(year) ON EXTRACT(YEAR FROM cc.valid_from) <= y.year
    ORDER BY cc.jenjang, y.year, cc.valid_from DESC
),
jenjang_top AS (SELECT jenjang, MAX(rank_id) AS top FROM careers_creditrequirement GROUP BY jenjang)
SELECT e.id
FROM asn_portal_employee e
LEFT JOIN asn_portal_position p ON p.id = e.position_id
LEFT JOIN asn_portal_educationlevel ed ON ed.id = e.education_id
-- penyesuaian ijazah: the diploma after the rank's TMT with the highest starting rank
LEFT JOIN LATERAL (
    SELECT l.starting_rank_id AS target, h.path, h.graduated_on
    FROM careers_educationhistory h JOIN asn_portal_educationlevel l ON l.id = h.level_id
    WHERE ed.starting_rank_id > e.rank_id AND h.employee_id = e.id
      AND h.graduated_on > e.rank_tmt_on AND h.graduated_on <= %(period)s AND l.starting_rank_id > e.rank_id
    ORDER BY l.starting_rank_id DESC, h.graduated_on DESC, h.id DESC
    LIMIT 1
) adj ON TRUE
CROSS JOIN LATERAL (
    SELECT CASE WHEN adj.target IS NOT NULL THEN 'penyesuaian_ijazah'
                WHEN p.kind IN ('jpt_utama', 'jpt_madya', 'jpt_pratama', 'administrator', 'pengawas') THEN 'pilihan_struktural'
                WHEN p.kind IN ('fungsional_keahlian', 'fungsional_keterampilan') THEN 'pilihan_fungsional'
                ELSE 'reguler' END AS kind,
           COALESCE(adj.target, e.rank_id + 1) AS target
) k
LEFT JOIN careers_golongancrossing gc ON gc.from_rank_id = e.rank_id AND k.kind <> 'penyesuaian_ijazah'
LEFT JOIN asn_portal_educationlevel ge ON ge.id = gc.exempt_education_id
LEFT JOIN jenjang_top jt ON jt.jenjang = p.jenjang
WHERE e.employment_type = 'pns' AND e.status IN ('aktif', 'tugas_belajar')
  AND e.rank_id IS NOT NULL AND e.rank_tmt_on IS NOT NULL
  -- retirement age (DOMAIN.md §11)
  AND e.born_on >= CASE
        WHEN p.name ILIKE 'guru%%' THEN %(bup_teacher)s::date
        WHEN p.kind IN ('jpt_utama', 'jpt_madya', 'jpt_pratama') THEN %(bup_jpt)s::date
        WHEN p.kind IN ('fungsional_keahlian', 'fungsional_keterampilan') AND p.jenjang = 'ahli_madya' THEN %(bup_madya)s::date
        WHEN p.kind IN ('fungsional_keahlian', 'fungsional_keterampilan') AND p.jenjang = 'ahli_utama' THEN %(bup_utama)s::date
        ELSE %(bup_default)s::date END
  -- time in rank (§3.1)
  AND CASE k.kind
        WHEN 'reguler' THEN e.rank_tmt_on <= %(cut_reguler)s
        WHEN 'pilihan_fungsional' THEN e.rank_tmt_on <= %(cut_fungsional)s
        WHEN 'penyesuaian_ijazah' THEN e.rank_tmt_on <= %(cut_ijazah)s
        ELSE CASE WHEN p.min_rank_id = e.rank_id + 1
                  THEN e.rank_tmt_on <= %(cut_below_rank)s AND e.position_since_on <= %(cut_below_post)s
                  ELSE e.rank_tmt_on <= %(cut_struktural)s END
      END
  -- SKP at least Baik (§3.1, §5)
  AND EXISTS (SELECT 1 FROM careers_performancerating r
              WHERE r.employee_id = e.id AND r.year = %(year1)s AND r.predikat IN ('sangat_baik', 'baik'))
  AND (k.kind = 'penyesuaian_ijazah'
       OR EXISTS (SELECT 1 FROM careers_performancerating r
                  WHERE r.employee_id = e.id AND r.year = %(year2)s AND r.predikat IN ('sangat_baik', 'baik')))
  -- ceiling (§2.2, §2.3, §4.2)
  AND (k.kind = 'penyesuaian_ijazah'
       OR (k.target <= %(top)s AND CASE k.kind
            WHEN 'reguler' THEN k.target <= ed.regular_promotion_ceiling_id
            WHEN 'pilihan_struktural' THEN k.target <= COALESCE(p.max_rank_id, %(top)s)
            ELSE k.target <= COALESCE(p.max_rank_id, jt.top, %(top)s) END))
  -- angka kredit (§4): a PAK unless a move out of the jenjang came after it, else the start of the
  -- run of rows in the jenjang, else the post's date; then the yearly conversion
  AND (k.kind <> 'pilihan_fungsional' OR EXISTS (
        SELECT 1
        FROM careers_creditrequirement req
        CROSS JOIN LATERAL (SELECT MAX(h.tmt_on) AS last_other FROM careers_positionhistory h
                            WHERE h.employee_id = e.id AND h.tmt_on <= %(period)s AND h.jenjang <> p.jenjang) m
        CROSS JOIN LATERAL (SELECT MIN(h.tmt_on) AS since FROM careers_positionhistory h
                            WHERE h.employee_id = e.id AND h.tmt_on <= %(period)s AND h.jenjang = p.jenjang
                              AND (m.last_other IS NULL OR h.tmt_on > m.last_other)) rs
        LEFT JOIN LATERAL (SELECT a.assessed_on, a.total FROM careers_creditassessment a
                           WHERE a.employee_id = e.id AND a.jenjang = p.jenjang AND a.assessed_on <= %(period)s
                             AND (m.last_other IS NULL OR a.assessed_on > m.last_other)
                           ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) pak ON TRUE
        CROSS JOIN LATERAL (SELECT COALESCE(
                EXTRACT(YEAR FROM pak.assessed_on)::int * 12 + EXTRACT(MONTH FROM pak.assessed_on)::int,
                EXTRACT(YEAR FROM rs.since)::int * 12 + EXTRACT(MONTH FROM rs.since)::int - 1
                    + CASE WHEN EXTRACT(DAY FROM rs.since) > 1 THEN 1 ELSE 0 END,
                EXTRACT(YEAR FROM e.position_since_on)::int * 12 + EXTRACT(MONTH FROM e.position_since_on)::int - 1
                    + CASE WHEN EXTRACT(DAY FROM e.position_since_on) > 1 THEN 1 ELSE 0 END) AS from_index) f
        CROSS JOIN LATERAL (SELECT COALESCE(SUM(
                GREATEST(0, LEAST((r.year + 1) * 12, %(until)s) - GREATEST(r.year * 12, f.from_index))
                * pr.percent * co.centi), 0) AS units
            FROM careers_performancerating r
            JOIN careers_predikatrate pr ON pr.predikat = r.predikat
            JOIN coefficient co ON co.jenjang = p.jenjang AND co.year = r.year
            WHERE r.employee_id = e.id AND r.year <= %(year_now)s AND f.from_index IS NOT NULL) v
        WHERE req.jenjang = p.jenjang AND req.rank_id = e.rank_id AND req.for_rank IS NOT NULL
          AND COALESCE(ROUND(pak.total * 120000), 0) + v.units >= ROUND(req.for_rank * 120000)))
  -- ujian dinas when crossing a golongan, unless exempt (§3.3)
  AND (gc.id IS NULL
       OR EXISTS (SELECT 1 FROM careers_examresult x
                  WHERE x.employee_id = e.id AND x.kind = gc.exam AND x.passed_on <= %(period)s)
       OR ed."order" >= ge."order"
       OR (gc.exempt_functional AND k.kind = 'pilihan_fungsional')
       OR EXISTS (SELECT 1 FROM training_registration g
                  JOIN training_session s ON s.id = g.session_id
                  JOIN training_program pg ON pg.id = s.program_id
                  WHERE g.employee_id = e.id AND g.state = 'completed' AND s.ends_on <= %(period)s
                    AND pg.category IN (SELECT jsonb_array_elements_text(gc.exempt_training)))
       OR EXISTS (SELECT 1 FROM training_outsidelearning o
                  WHERE o.employee_id = e.id AND o.status = 'verified' AND o.ends_on <= %(period)s
                    AND o.category IN (SELECT jsonb_array_elements_text(gc.exempt_training))))
  -- UKPPI after izin belajar (§3.1)
  AND (k.kind <> 'penyesuaian_ijazah' OR adj.path <> 'izin_belajar'
       OR EXISTS (SELECT 1 FROM careers_examresult x WHERE x.employee_id = e.id AND x.kind = 'UKPPI'
                  AND x.passed_on >= adj.graduated_on AND x.passed_on <= %(period)s))
  -- no sedang/berat sanction in force, not under examination (§8.1, §8.3)
  AND NOT EXISTS (SELECT 1 FROM integrity_sanction s JOIN integrity_sanctiontype t ON t.id = s.type_id
                  WHERE s.employee_id = e.id AND t.level IN ('sedang', 'berat') AND NOT s.is_annulled
                    AND s.starts_on <= %(period)s AND (s.ends_on IS NULL OR s.ends_on > %(period)s))
  AND NOT EXISTS (SELECT 1 FROM integrity_integritycase i
                  WHERE i.employee_id = e.id AND i.alleged_level IN ('sedang', 'berat')
                    AND i.opened_on <= %(period)s AND (i.closed_on IS NULL OR i.closed_on > %(period)s))
"""


def _hand_written_params(period: dt.date) -> dict:
    """The numbers the hand-written query needs, read from the same reference tables."""
    from dateutil.relativedelta import relativedelta

    from careers import credits
    from careers import eligibility as engine

    context = engine.load_context(period)
    rules = context.rules

    def cut(years: int) -> dt.date:
        return period - relativedelta(years=years)

    skp = {rule.skp_years for rule in rules.values()}
    assert skp <= {1, 2} and rules["penyesuaian_ijazah"].skp_years == 1, "the hand-written query knows 1 or 2 SKP years"
    assert all(rules[k].skp_years == 2 for k in ("reguler", "pilihan_struktural", "pilihan_fungsional"))
    return {
        "period": period,
        "year_now": period.year,
        "year1": period.year - 1,
        "year2": period.year - 2,
        "until": credits.month_index(period),
        "top": context.top_rank_id,
        "cut_reguler": cut(rules["reguler"].years_in_rank),
        "cut_fungsional": cut(rules["pilihan_fungsional"].years_in_rank),
        "cut_ijazah": cut(rules["penyesuaian_ijazah"].years_in_rank),
        "cut_struktural": cut(rules["pilihan_struktural"].years_in_rank),
        "cut_below_rank": cut(rules["pilihan_struktural"].one_below_years_in_rank),
        "cut_below_post": cut(rules["pilihan_struktural"].one_below_years_in_post),
        "bup_teacher": cut(engine.BUP_TEACHER),
        "bup_jpt": cut(engine.BUP_BY_POSITION_KIND["jpt_pratama"]),
        "bup_madya": cut(engine.BUP_BY_JENJANG["ahli_madya"]),
        "bup_utama": cut(engine.BUP_BY_JENJANG["ahli_utama"]),
        "bup_default": cut(engine.BUP_DEFAULT),
    }


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def measure(sample: int) -> dict:
    _django()
    import tracemalloc

    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from asn_portal.models import Employee
    from careers import eligibility

    everyone = Employee.objects.all()
    total = everyone.count()

    def set_based() -> set[int]:
        rows = eligibility.eligible(Employee.objects.all(), PERIOD).values_list("pk", flat=True)
        return set(rows.iterator(chunk_size=10_000))

    def hand_written() -> set[int]:
        params = _hand_written_params(PERIOD)
        connection.ensure_connection()
        raw = connection.connection.cursor(name="hand_written")  # server-side, like iterator()
        raw.itersize = 10_000
        try:
            raw.execute(HAND_WRITTEN, params)
            return {row[0] for row in raw}
        finally:
            raw.close()

    from django.db import transaction

    # Both queries are long and costly to plan, so PostgreSQL's JIT (on by default) compiles
    # their expressions; that compile time grows with the SQL's size. Each is timed with the
    # server's JIT setting and with JIT off for the session.
    timings = {}
    for jit in ("default", "off"):
        with connection.cursor() as cursor:
            cursor.execute("RESET jit" if jit == "default" else "SET jit = off")
            cursor.execute("SHOW jit")
            setting = cursor.fetchone()[0]
        with transaction.atomic():  # named cursors need a transaction
            hand_seconds, hand_ids = common.best_of(hand_written)
        set_seconds, set_ids = common.best_of(set_based)
        timings[jit] = {"setting": setting, "set": set_seconds, "hand": hand_seconds}
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")

    # Streaming: count without keeping anything, and watch Python's peak allocation.
    def stream_count() -> int:
        rows = eligibility.candidates(Employee.objects.all(), PERIOD).values_list("pk", "is_eligible", "promotion_kind")
        return sum(1 for _pk, is_eligible, _kind in rows.iterator(chunk_size=2000) if is_eligible)

    tracemalloc.start()
    with CaptureQueriesContext(connections["default"]) as queries:
        streamed_eligible = stream_count()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    materialised = len(list(Employee.objects.all()))
    _current, list_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # The per-employee explanation in a loop, on an even sample.
    ids = list(everyone.order_by("pk").values_list("pk", flat=True)[:: max(1, total // sample)][:sample])
    started = time.perf_counter()
    outlooks = {pk: eligibility.explain(pk, PERIOD) for pk in ids}
    loop_seconds = time.perf_counter() - started
    context = eligibility.load_context(PERIOD)
    started = time.perf_counter()
    for pk in ids:
        eligibility.explain(pk, PERIOD, context=context)
    loop_context_seconds = time.perf_counter() - started
    disagree = [pk for pk, outlook in outlooks.items() if outlook.eligible != (pk in set_ids)]

    return {
        "employees": total,
        "eligible": len(set_ids),
        "streamed_eligible": streamed_eligible,
        "identical": set_ids == hand_ids,
        "only_set_based": len(set_ids - hand_ids),
        "only_hand_written": len(hand_ids - set_ids),
        "timings": timings,
        "set_queries": len(queries.captured_queries),
        "stream_peak_kb": peak / 1024,
        "list_peak_kb": list_peak / 1024,
        "materialised": materialised,
        "sample": len(ids),
        "loop_seconds": loop_seconds,
        "loop_context_seconds": loop_context_seconds,
        "sample_disagreements": len(disagree),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database of an earlier run")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        print(json.dumps(generate(options.generate)))
        return
    if options.measure:
        print(json.dumps(measure(options.sample)))
        return
    if not options.database_url.startswith("postgres"):
        sys.exit("needs PostgreSQL: --database-url postgres://USER:PASS@HOST:PORT/NAME (the role needs CREATEDB)")

    database = common.Postgres(options.database_url, options.employees, "eligbench")
    url = database.url
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "MEDIA_ROOT": tempfile.mkdtemp(prefix="elig-bench-")}
    try:
        if not options.reuse:
            database.__enter__()
            common.manage(url, "migrate", "--noinput", "-v0")
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, __file__, "--generate", str(options.employees)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                sys.exit(f"generating failed:\n{done.stdout}\n{done.stderr}")
            counts = json.loads(done.stdout.strip().splitlines()[-1])
            rows = sum(counts.values())
            print(
                f"synthetic city of {options.employees:,} employees: {rows:,} rows in {time.perf_counter() - started:.0f} s"
            )
            print("  " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        done = subprocess.run(
            [sys.executable, __file__, "--measure", "--sample", str(options.sample)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"measuring failed:\n{done.stdout}\n{done.stderr}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if not options.keep:
            database.__exit__(None, None, None)

    scaled = r["loop_seconds"] / r["sample"] * r["employees"]
    scaled_context = r["loop_context_seconds"] / r["sample"] * r["employees"]
    print(f"eligibility for period {PERIOD:%Y-%m-%d} over {r['employees']:,} employees (PostgreSQL, best of 3)")
    print(
        f"  eligible: {r['eligible']:,}; same set as the hand-written query: {'yes' if r['identical'] else 'NO'}",
        end="",
    )
    if not r["identical"]:
        print(f" (only set-based {r['only_set_based']}, only hand-written {r['only_hand_written']})", end="")
    print()
    for jit, t in r["timings"].items():
        label = f"JIT {t['setting']}" + (" (server default)" if jit == "default" else " (SET jit = off)")
        print(f"  {label}:")
        print(f"    set-based run (eligibility.eligible, streamed): {t['set']:.2f} s")
        print(f"    hand-written SQL query:                         {t['hand']:.2f} s")
        print(f"    ratio set-based / hand-written:                 {t['set'] / t['hand']:.2f}x (goal <= 2)")
    slowest = max(t["set"] for t in r["timings"].values())
    print(
        f"  explain() in a loop: {r['sample']:,} employees in {r['loop_seconds']:.1f} s, "
        f"scaled to {r['employees']:,}: {scaled:.0f} s -> the set-based run ({slowest:.2f} s, the slower setting) "
        f"is {scaled / slowest:.0f}x faster (goal >= 50)"
    )
    print(
        f"  explain() reusing one context: {r['loop_context_seconds']:.1f} s, scaled {scaled_context:.0f} s "
        f"-> {scaled_context / slowest:.0f}x; sample answers differing from the set-based run: {r['sample_disagreements']}"
    )
    print(
        f"  streamed candidates(): {r['set_queries']} queries, peak Python memory {r['stream_peak_kb']:,.0f} KiB "
        f"(for comparison, a list of all {r['materialised']:,} Employee objects: {r['list_peak_kb']:,.0f} KiB)"
    )


if __name__ == "__main__":
    main()
