"""Helpers for the integrity page tests: one record of every kind about `city.staff_a`, made
through the services; documents that are (or pretend to be) PDFs; a pinned "today".

Import the fixtures into a test module to use them: `from tests.integrity.helpers import
media_fixture, pinned_today_fixture, records_fixture  # noqa: F401`; tests then ask for
`media`, `pinned_today` and `records`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from integrity import selectors, services
from tests.integrity.factories import TODAY, case, sanction

# Texts that only the Inspektorat (and, for the first, the employee) may read: a page that
# shows one of them to anyone else leaks.
VIOLATION = "Menerima uang pelicin dari pemohon izin usaha sebesar Rp 5.000.000."
CASE_SUMMARY = "Laporan masyarakat: dugaan pungutan liar pada layanan perizinan puskesmas."
DRUG_NOTE = "Hasil uji lanjutan amfetamin; dirujuk asesmen BNNK."
GIFT_GIVER = "PT Maju Sejahtera Abadi"
GIFT_VALUE = Decimal("2750000")
GIFT_VALUE_SHOWN = "2.750.000"  # as the Indonesian pages print it

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def pdf(name: str = "dokumen.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Records:
    sanction: object
    case: object
    evidence: object
    filing: object
    report: object
    event: object
    result: object
    pact: object


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="pinned_today")
def pinned_today_fixture(monkeypatch):
    """The integrity pages' "today" (selectors.today), pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr(selectors, "today", lambda: day)
        return day

    pin(TODAY)
    return pin


def build_records(city) -> Records:
    staff = city.staff_a
    record = sanction(staff, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1), violation=VIOLATION)
    open_case = case(staff, level="berat", summary=CASE_SUMMARY)
    evidence = services.add_evidence(open_case, uploaded=pdf("bukti-aduan.pdf"), description="Tangkapan layar", by=None)
    filing = services.create_filing(staff, year=2025, kind=None, by=None, today=TODAY)
    report = services.report_gratification(
        employee=staff,
        received_on=dt.date(2026, 8, 12),
        giver=GIFT_GIVER,
        description="Parsel berisi jam tangan.",
        estimated_value=GIFT_VALUE,
        relation_to_duty="Pemohon izin praktik.",
        reported_on=dt.date(2026, 9, 1),
        by=None,
    )
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 6),
        organiser="BNNK Kota Semarang",
        units=[city.dinkes],
        notes="",
        by=None,
        today=TODAY,
    )
    result = services.record_drug_test_result(
        event=event, employee=staff, outcome="positif", follow_up="asesmen", notes=DRUG_NOTE, by=None
    )
    pact = services.record_pact(
        employee=staff,
        occasion="jabatan",
        signed_on=dt.date(2026, 1, 5),
        document=pdf("pakta.pdf"),
        by=None,
        today=TODAY,
    )
    return Records(record, open_case, evidence, filing, report, event, result, pact)


@pytest.fixture(name="records")
def records_fixture(city, media, pinned_today) -> Records:
    return build_records(city)
