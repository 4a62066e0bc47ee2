"""Working-day deadlines (national holidays, weekends, cuti bersama) and document checks."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asn_portal import workdays
from asn_portal.models import CollectiveLeave
from asn_portal.services import ServiceError
from asn_portal.uploads import check_document


def test_ten_working_days_skip_a_weekend_and_independence_day():
    # Received Friday 14 August 2026; 17 August (Monday) is Independence Day.
    off = workdays.national_holidays([2026])

    due = workdays.add_working_days(dt.date(2026, 8, 14), 10, off)

    # 18,19,20,21 | 24,25 (25 Aug 2026 is Maulid Nabi) 26,27,28 | 31 Aug, 1 Sep
    assert dt.date(2026, 8, 17) in off
    assert due == dt.date(2026, 9, 1)


def test_without_holidays_ten_working_days_are_two_calendar_weeks():
    assert workdays.add_working_days(dt.date(2026, 11, 2), 10, set()) == dt.date(2026, 11, 16)


@pytest.mark.django_db
def test_cuti_bersama_days_from_the_table_are_skipped_too():
    CollectiveLeave.objects.create(date=dt.date(2026, 11, 4), name="Cuti bersama (uji)")

    due = workdays.deadline(dt.date(2026, 11, 2), 10)

    assert due == dt.date(2026, 11, 17)


def test_counting_working_days_between_two_dates_matches_adding_them():
    off = workdays.national_holidays([2026, 2027])
    start = dt.date(2026, 12, 18)

    due = workdays.add_working_days(start, 10, off)

    assert workdays.working_days_between(start, due, off) == 10
    assert dt.date(2026, 12, 25) in off


def _upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "bukti.pdf", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "foto.png", "image/png"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 40, "foto.jpg", "image/jpeg"),
        (b"%PDF-1.4\n" + b"x" * 40, "scan-without-extension", "application/pdf"),
    ],
)
def test_a_document_is_judged_by_its_content(content, name, mime):
    assert check_document(_upload(content, name)) == mime


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "kosong.pdf", "empty_file"),
        (b"MZ\x90\0" + b"\0" * 60, "virus.pdf", "file_type"),
        (b"<html><script>alert(1)</script></html>", "halaman.pdf", "file_type"),
        (b"PK\x03\x04" + b"\0" * 60, "arsip.pdf", "file_type"),
        # Issue 8 (uploads): the extension must agree with the content.
        (b"%PDF-1.4\n" + b"x" * 40, "named-wrong.txt", "file_extension"),
    ],
)
def test_anything_but_a_pdf_or_image_is_refused_whatever_its_name(content, name, code):
    with pytest.raises(ServiceError) as error:
        check_document(_upload(content, name))

    assert error.value.code == code


def test_a_document_over_the_limit_is_refused(settings):
    settings.SIGAP_MAX_DOCUMENT_BYTES = 1000

    with pytest.raises(ServiceError) as error:
        check_document(_upload(b"%PDF-1.4\n" + b"x" * 2000, "besar.pdf"))

    assert error.value.code == "file_too_large"
