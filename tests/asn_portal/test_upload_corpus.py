"""Issue 8, uploads: one validator (asn_portal.uploads) behind every upload, tried against a
corpus of bad files built here in a few bytes each (wrong extension, polyglot, oversized,
empty, zip bomb) and against good files that must still pass; then where files are stored
(random names, never under a routed URL) and how they are served back (attachment, nosniff)."""

from __future__ import annotations

import functools
import importlib
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePath

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from django.utils import translation
from PIL import Image
from reportlab.pdfgen import canvas

from asn_portal import importing, uploads
from asn_portal.models import ImportJob
from asn_portal.uploads import DOCUMENT, SPREADSHEET, UploadRejected, check_upload
from tests.asn_portal.test_import import csv_bytes, three_rows, xlsx_bytes
from training.models import OutsideLearning

# ---------------------------------------------------------------------------------------------
# The corpus: small bytes built in Python (no binaries in the repository)
# ---------------------------------------------------------------------------------------------


def real_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Sertifikat Pelatihan Kepemimpinan Pengawas")
    page.save()
    return buffer.getvalue()


def handmade_pdf(*objects: bytes) -> bytes:
    """A PDF of the given object bodies (object 1 is the catalogue)."""
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, body in enumerate(objects, start=1):
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return out + b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"


def object_stream(
    inner: bytes, *, filter_name: bytes = b"/FlateDecode", packed: bytes | None = None, padding: bytes = b""
) -> bytes:
    """An object stream (/Type /ObjStm) holding object 3 = `inner`, deflated; `padding` goes
    into its dictionary after the type."""
    content = b"3 0 " + inner
    body = zlib.compress(content) if packed is None else packed
    return b"<< /Type /ObjStm %s /N 1 /First 4 /Filter %s /Length %d >>\nstream\n%s\nendstream" % (
        padding,
        filter_name,
        len(body),
        body,
    )


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def png_with_text_chunk(text: bytes) -> bytes:
    """A PNG with a tEXt chunk right after IHDR (chunks: length, type, data, CRC)."""
    png = image("PNG")
    data = b"Comment\x00" + text
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    ihdr_end = 8 + 25
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def small_zip(name: str = "Payload.class", data: bytes = b"\xca\xfe\xba\xbe" + b"\0" * 40) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def workbook_zip(extra: dict[str, bytes] | None = None, *, base: bytes | None = None) -> bytes:
    """A real .xlsx (openpyxl's) with `extra` parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(base or xlsx_bytes(three_rows())))
    extra = extra or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra:
                target.writestr(item, source.read(item.filename))
        for name, data in extra.items():
            target.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def zip_bomb(megabytes: int = 64) -> bytes:
    """A real workbook whose worksheet is `megabytes` MB of zeros, ~1000 times smaller packed."""
    zeros = b"\0" * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return _with_raw_member(XLSX, "xl/worksheets/sheet1.xml", packed, megabytes * len(zeros), crc)


def _with_raw_member(archive_bytes: bytes, name: str, packed: bytes, size: int, crc: int) -> bytes:
    """The archive with member `name` replaced by data already deflated (zipfile has no API
    for that, and packing hundreds of MB of zeros with it would be slow)."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    out = io.BytesIO()
    entries = []
    for item in source.infolist():
        if item.filename == name:
            continue
        with source.open(item) as part:
            data = part.read()
        packed_item = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = packed_item.compress(data) + packed_item.flush()
        entries.append((item.filename, body, len(data), zlib.crc32(data)))
    entries.append((name, packed, size, crc))
    directory = b""
    for filename, body, unpacked, checksum in entries:
        offset = out.tell()
        encoded = filename.encode()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, checksum, len(body), unpacked, len(encoded), 0)
        )
        out.write(encoded + body)
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            checksum,
            len(body),
            unpacked,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def declaring(archive_bytes: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s uncompressed size, as its directory declares it, set to `size`."""
    raw = bytearray(archive_bytes)
    encoded = name.encode()
    position = 0
    while True:
        position = raw.find(b"PK\x01\x02", position)
        assert position != -1, name
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46 : position + 46 + name_length] == encoded:
            struct.pack_into("<L", raw, position + 24, size)
            return bytes(raw)
        position += 4


def many_parts(count: int) -> bytes:
    return workbook_zip({f"xl/extra/part{i}.xml": b"<x/>" for i in range(count)})


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\0" * 48
    + b"This program cannot be run in DOS mode."
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

PDF = real_pdf()
PNG = image("PNG")
JPEG = image("JPEG")
XLSX = xlsx_bytes(three_rows())
CSV = csv_bytes(three_rows())


@dataclass(frozen=True)
class Bad:
    id: str
    name: str
    content: bytes
    code: str
    message: str  # a part of the English message


# Documents (PDF, JPEG, PNG): evidence, pacts, certificates, study documents and transcripts.
BAD_DOCUMENTS = [
    Bad("empty", "bukti.pdf", b"", "empty_file", "The file is empty."),
    Bad("exe-named-pdf", "sertifikat.pdf", EXE, "file_type", "Only PDF, JPEG and PNG files are accepted"),
    Bad("html-named-pdf", "sertifikat.pdf", HTML, "file_type", "Only PDF, JPEG and PNG files are accepted"),
    Bad("svg-named-png", "foto.png", SVG, "file_type", "Only PDF, JPEG and PNG files are accepted"),
    Bad("xlsx-named-pdf", "sertifikat.pdf", XLSX, "file_type", "Only PDF, JPEG and PNG files are accepted"),
    Bad("zip-bomb-named-pdf", "sertifikat.pdf", zip_bomb(8), "file_type", "Only PDF, JPEG and PNG"),
    Bad("pdf-named-xlsx", "sertifikat.xlsx", PDF, "file_extension", "but the file is a PDF"),
    Bad("pdf-named-html", "sertifikat.html", PDF, "file_extension", "but the file is a PDF"),
    Bad("png-named-exe", "foto.exe", PNG, "file_extension", "but the file is a PNG"),
    Bad("jpeg-named-svg", "foto.svg", JPEG, "file_extension", "but the file is a JPEG"),
    Bad("png-then-html", "foto.png", PNG + HTML, "polyglot", "web page code"),
    Bad("png-then-data", "foto.png", PNG + b"\0" * 20_000, "polyglot", "after the end of the image"),
    Bad(
        "png-html-in-text-chunk", "foto.png", png_with_text_chunk(b"<script>alert(1)</script>"), "polyglot", "web page"
    ),
    Bad("jpeg-then-zip-gifar", "foto.jpg", JPEG + small_zip(), "polyglot", "an archive (ZIP) is attached"),
    Bad("pdf-then-zip", "sertifikat.pdf", PDF + small_zip(), "polyglot", "cannot be accepted"),
    Bad("pdf-then-html", "sertifikat.pdf", PDF + HTML, "polyglot", "web page code"),
    Bad(
        "pdf-javascript",
        "sertifikat.pdf",
        handmade_pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-javascript-escaped-name",
        "sertifikat.pdf",
        handmade_pdf(b"<< /Type /Catalog /OpenAction << /S /Java#53cript /JS (app.alert(1)) >> >>"),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-launch",
        "sertifikat.pdf",
        handmade_pdf(b"<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>"),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-embedded-file",
        "sertifikat.pdf",
        handmade_pdf(CATALOG, PAGES, b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"),
        "pdf_active_content",
        "attached files",
    ),
    Bad(
        "pdf-javascript-in-object-stream",
        "sertifikat.pdf",
        handmade_pdf(CATALOG, PAGES, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-javascript-in-object-stream-behind-a-long-string",
        "sertifikat.pdf",
        handmade_pdf(
            CATALOG,
            PAGES,
            object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>", padding=b"/Pad (%s)" % (b"A" * 5000)),
        ),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-javascript-in-object-stream-behind-a-comment",
        "sertifikat.pdf",
        handmade_pdf(
            CATALOG, PAGES, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>", padding=b"%endobj 9 0 obj\n")
        ),
        "pdf_active_content",
        "contains scripts",
    ),
    Bad(
        "pdf-object-stream-unreadable",
        "sertifikat.pdf",
        handmade_pdf(CATALOG, PAGES, object_stream(b"", packed=b"\x8f\x12encrypted bytes\x00\x99")),
        "pdf_unchecked",
        "cannot check",
    ),
    Bad(
        "pdf-object-stream-other-filter",
        "sertifikat.pdf",
        handmade_pdf(CATALOG, PAGES, object_stream(b"<< >>", filter_name=b"[/ASCIIHexDecode /FlateDecode]")),
        "pdf_unchecked",
        "cannot check",
    ),
]

GOOD_DOCUMENTS = [
    ("sertifikat.pdf", PDF, "application/pdf"),
    ("SERTIFIKAT.PDF", PDF, "application/pdf"),
    ("objstm.pdf", handmade_pdf(CATALOG, PAGES, object_stream(b"<< /Type /Page /Parent 2 0 R >>")), "application/pdf"),
    ("foto.png", PNG, "image/png"),
    ("foto.jpg", JPEG, "image/jpeg"),
    ("foto.jpeg", JPEG, "image/jpeg"),
    ("hasil-pindai", PDF, "application/pdf"),  # no extension: the content decides
    ("surat-sehat.pdf", PNG, "image/png"),  # a document's extension: which type, the content decides
]

# Import spreadsheets (.xlsx, .csv).
BAD_SPREADSHEETS = [
    Bad("empty-xlsx", "pegawai.xlsx", b"", "empty_file", "The file is empty."),
    Bad("empty-csv", "pegawai.csv", b"", "empty_file", "The file is empty."),
    Bad("blank-csv", "pegawai.csv", b"  \r\n\n", "empty_file", "The file is empty."),
    Bad("pdf-named-xlsx", "pegawai.xlsx", PDF, "not_xlsx", "not an Excel workbook"),
    Bad("pdf-then-zip-named-xlsx", "pegawai.xlsx", PDF + small_zip(), "not_xlsx", "not an Excel workbook"),
    Bad("exe-named-xlsx", "pegawai.xlsx", EXE, "not_xlsx", "not an Excel workbook"),
    Bad("pdf-named-csv", "pegawai.csv", PDF, "not_csv", "not a CSV text file"),
    Bad("xlsx-named-csv", "pegawai.csv", XLSX, "not_csv", "not a CSV text file"),
    Bad("png-named-csv", "pegawai.csv", PNG, "not_csv", "not a CSV text file"),
    Bad("csv-with-nul", "pegawai.csv", CSV[:40] + b"\x00" + CSV[40:], "not_csv", "not a CSV text file"),
    Bad("csv-not-text", "pegawai.csv", b"nip,nama\n\x81\x8d\x8f\x90\x9d\n", "not_csv", "could not be read as text"),
    Bad("csv-named-pdf", "pegawai.pdf", CSV, "bad_extension", "Only .xlsx and .csv files can be imported"),
    Bad("xlsx-named-xls", "pegawai.xls", XLSX, "bad_extension", "Only .xlsx and .csv files can be imported"),
    Bad("plain-zip-named-xlsx", "pegawai.xlsx", small_zip("catatan.txt", b"halo"), "not_xlsx", "not an Excel workbook"),
    Bad("truncated-xlsx", "pegawai.xlsx", XLSX[: len(XLSX) // 2], "not_xlsx", "damaged or not an Excel workbook"),
    Bad("zip-bomb", "pegawai.xlsx", zip_bomb(64), "zip_bomb", "packed in an unusual way"),
    Bad(
        "zip-bomb-declared-size",
        "pegawai.xlsx",
        declaring(XLSX, "xl/worksheets/sheet1.xml", 400 * 1024 * 1024),
        "too_large",
        "unpacks to more than",
    ),
    Bad("too-many-parts", "pegawai.xlsx", many_parts(uploads.MAX_XLSX_MEMBERS), "too_many_parts", "too many parts"),
    Bad(
        "nested-zip-by-content",
        "pegawai.xlsx",
        workbook_zip({"xl/embeddings/oleObject1.bin": small_zip()}),
        "nested_archive",
        "holds another archive",
    ),
    Bad(
        "nested-zip-by-name",
        "pegawai.xlsx",
        workbook_zip({"xl/media/lampiran.zip": b"not even a zip"}),
        "nested_archive",
        "holds another archive",
    ),
]

GOOD_SPREADSHEETS = [
    ("pegawai.xlsx", XLSX, uploads.XLSX_TYPE),
    ("pegawai.csv", CSV, "text/csv"),
    ("Pegawai.XLSX", XLSX, uploads.XLSX_TYPE),
]


def ids(corpus) -> list[str]:
    return [bad.id for bad in corpus]


def upload_of(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# ---------------------------------------------------------------------------------------------
# The validators
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_DOCUMENTS, ids=ids(BAD_DOCUMENTS))
def test_the_document_validator_refuses_every_bad_file_of_the_corpus(bad):
    with pytest.raises(UploadRejected) as error:
        check_upload(upload_of(bad.name, bad.content), DOCUMENT)

    assert (error.value.code, error.value.field) == (bad.code, "file")
    assert bad.message in error.value.message


@pytest.mark.parametrize("bad", BAD_SPREADSHEETS, ids=ids(BAD_SPREADSHEETS))
def test_the_spreadsheet_validator_refuses_every_bad_file_of_the_corpus(bad):
    with pytest.raises(UploadRejected) as error:
        check_upload(upload_of(bad.name, bad.content), SPREADSHEET)

    assert (error.value.code, error.value.field) == (bad.code, "file")
    assert bad.message in error.value.message


@pytest.mark.parametrize(("name", "content", "mime"), GOOD_DOCUMENTS, ids=[g[0] for g in GOOD_DOCUMENTS])
def test_good_documents_pass_and_report_their_type(name, content, mime):
    upload = upload_of(name, content)

    assert check_upload(upload, DOCUMENT) == mime
    assert upload.read() == content  # left at the start, unchanged


@pytest.mark.parametrize(("name", "content", "mime"), GOOD_SPREADSHEETS, ids=[g[0] for g in GOOD_SPREADSHEETS])
def test_good_spreadsheets_pass_and_report_their_type(name, content, mime):
    upload = upload_of(name, content)

    assert check_upload(upload, SPREADSHEET) == mime
    assert upload.read() == content


def test_a_csv_from_excel_on_windows_passes():
    content = "nip;nama\n199001012015031001;Siti Nur’aini\n".encode("cp1252")

    assert check_upload(upload_of("pegawai.csv", content), SPREADSHEET) == "text/csv"


class Huge(io.BytesIO):
    """An upload that declares a huge size and fails the test if anything reads it."""

    def __init__(self, name: str, size: int):
        super().__init__(b"%PDF-1.4\n")
        self.name = name
        self.size = size

    def read(self, *args):
        raise AssertionError("the validator read an oversized file")


@pytest.mark.parametrize(
    ("kind", "name", "code"),
    [(DOCUMENT, "besar.pdf", "file_too_large"), (SPREADSHEET, "besar.xlsx", "too_large")],
)
def test_an_oversized_file_is_refused_from_its_size_without_being_read(kind, name, code):
    with pytest.raises(UploadRejected) as error:
        check_upload(Huge(name, 4 * 1024**3), kind)

    assert error.value.code == code
    assert "too large" in error.value.message


@pytest.mark.parametrize(
    ("kind", "name", "content", "setting", "code"),
    [
        (DOCUMENT, "sertifikat.pdf", PDF + b" " * 5000, "SIGAP_MAX_DOCUMENT_BYTES", "file_too_large"),
        (SPREADSHEET, "pegawai.csv", CSV + b"\n" * 5000, "SIGAP_MAX_UPLOAD_BYTES", "too_large"),
    ],
)
def test_a_file_one_byte_over_the_limit_is_refused(settings, kind, name, content, setting, code):
    setattr(settings, setting, len(content) - 1)

    with pytest.raises(UploadRejected) as error:
        check_upload(upload_of(name, content), kind)

    assert error.value.code == code


def test_a_csv_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SPREADSHEET_ROWS", 5)
    rows = "nip,nama\n" + "".join(f"19900101201503100{i},Pegawai {i}\n" for i in range(6))

    with pytest.raises(UploadRejected) as error:
        check_upload(upload_of("pegawai.csv", rows.encode()), SPREADSHEET)

    assert error.value.code == "too_many_rows"


def test_a_csv_whose_quoted_cells_span_lines_is_counted_by_rows(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SPREADSHEET_ROWS", 5)
    rows = "nip,nama\n" + "".join(f'1990010120150310{i},"Pegawai\n{i}"\n' for i in range(5))

    assert check_upload(upload_of("pegawai.csv", rows.encode()), SPREADSHEET) == "text/csv"


def test_the_import_job_refuses_a_zip_bomb_before_openpyxl_opens_it(monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)

    result = importing.import_employees(io.BytesIO(zip_bomb(64)), filename="pegawai.xlsx", actor=None, opd_ids=None)

    assert [(e["row"], e["code"]) for e in result.errors] == [(None, "zip_bomb")]


@pytest.mark.django_db
def test_the_import_job_refuses_a_csv_that_is_a_pdf():
    result = importing.import_employees(io.BytesIO(PDF), filename="pegawai.csv", actor=None, opd_ids=None)

    assert [(e["row"], e["code"]) for e in result.errors] == [(None, "not_csv")]


# ---------------------------------------------------------------------------------------------
# Entry points: a page and an API operation for documents, the import page for spreadsheets
# ---------------------------------------------------------------------------------------------

OUTSIDE_PAGE = "training:my-jp"
OUTSIDE_API = "api-training-outside-learning-list"
IMPORT_PAGE = "portal:employee-import"


def outside_learning(certificate) -> dict:
    return {
        "title": "Pelatihan Pengelolaan Keuangan Daerah",
        "organiser": "BPSDMD Jawa Tengah",
        "category": "seminar",
        "starts_on": "2026-10-06",
        "ends_on": "2026-10-07",
        "jp": "8",
        "certificate": certificate,
    }


@pytest.fixture
def employee(city, login):
    return login(city.staff_a.user)


@pytest.mark.parametrize("bad", BAD_DOCUMENTS, ids=ids(BAD_DOCUMENTS))
def test_the_outside_learning_page_refuses_every_bad_document_and_writes_nothing(employee, media, bad):
    before = stored_files(media)

    response = employee.post(
        reverse(OUTSIDE_PAGE), outside_learning(upload_of(bad.name, bad.content)), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    # Django's own FileField refuses an empty file before the service sees it.
    assert (bad.message if bad.code != "empty_file" else "The submitted file is empty.") in response.content.decode()
    assert not OutsideLearning.objects.exists()
    assert stored_files(media) == before


@pytest.mark.parametrize("bad", BAD_DOCUMENTS, ids=ids(BAD_DOCUMENTS))
def test_the_outside_learning_api_refuses_every_bad_document_and_writes_nothing(employee, media, bad):
    before = stored_files(media)

    response = employee.post(
        reverse(OUTSIDE_API), outside_learning(upload_of(bad.name, bad.content)), HTTP_ACCEPT_LANGUAGE="en"
    )

    error = response.json()["error"]
    assert response.status_code == 400
    # DRF's own FileField refuses an empty file before the service sees it.
    assert error["code"] == ("validation_error" if bad.code == "empty_file" else bad.code)
    assert list(error["fields"]) == ["certificate"]
    assert not OutsideLearning.objects.exists()
    assert stored_files(media) == before


def test_an_oversized_document_is_refused_by_the_page_and_the_api(employee, media, settings):
    settings.SIGAP_MAX_DOCUMENT_BYTES = 2000
    big = PDF + b" " * 3000

    page = employee.post(reverse(OUTSIDE_PAGE), outside_learning(upload_of("s.pdf", big)), HTTP_ACCEPT_LANGUAGE="en")
    api = employee.post(reverse(OUTSIDE_API), outside_learning(upload_of("s.pdf", big)), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 400
    assert "The file is too large" in page.content.decode()
    assert (api.status_code, api.json()["error"]["code"]) == (400, "file_too_large")
    assert not OutsideLearning.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content", "mime"), GOOD_DOCUMENTS, ids=[g[0] for g in GOOD_DOCUMENTS])
def test_good_documents_are_stored_under_random_names_and_served_as_attachments(employee, media, name, content, mime):
    created = employee.post(reverse(OUTSIDE_API), outside_learning(upload_of(name, content)))
    record = OutsideLearning.objects.get()
    downloaded = employee.get(created.json()["certificate_url"])

    assert created.status_code == 201
    assert record.certificate_type == mime
    assert name.rsplit(".", 1)[0] not in record.certificate.name
    stored = PurePath(record.certificate.name)
    assert len(stored.stem) == 32 and stored.suffix in uploads.STORED_SUFFIXES | {""}
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert downloaded["Content-Security-Policy"] == "default-src 'none'"
    assert downloaded["Content-Type"] == mime
    assert b"".join(downloaded.streaming_content) == content


def test_a_good_document_through_the_page_is_stored_and_its_download_is_an_attachment(employee, media):
    response = employee.post(reverse(OUTSIDE_PAGE), outside_learning(upload_of("Sertifikat Budi.pdf", PDF)))
    record = OutsideLearning.objects.get()
    downloaded = employee.get(reverse("training:outside-certificate", args=[record.pk]))

    assert response.status_code == 302
    assert "Budi" not in record.certificate.name
    assert [p.name for p in stored_files(media)] == [record.certificate.name.rsplit("/", 1)[-1]]
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"


def post_import(client, name: str, content: bytes, capture):
    with capture(execute=True):
        return client.post(reverse(IMPORT_PAGE), {"file": upload_of(name, content)}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("bad", BAD_SPREADSHEETS, ids=ids(BAD_SPREADSHEETS))
def test_the_import_page_refuses_every_bad_spreadsheet_and_writes_nothing(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, bad
):
    client = login(city.admin)
    before = stored_files(media)

    response = post_import(client, bad.name, bad.content, django_capture_on_commit_callbacks)

    # The form answers 413 for every "too_large" (also a workbook that unpacks too large).
    assert response.status_code == (413 if bad.code == "too_large" else 400)
    assert bad.message in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(media) == before


def test_an_oversized_spreadsheet_gets_413_and_writes_nothing(
    city, login, media, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.SIGAP_MAX_UPLOAD_BYTES = len(XLSX) - 1
    client = login(city.admin)

    response = post_import(client, "pegawai.xlsx", XLSX, django_capture_on_commit_callbacks)

    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content"), [("Data Pegawai.xlsx", XLSX), ("Data Pegawai.csv", CSV)])
def test_good_spreadsheets_are_imported_from_a_random_stored_name(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, name, content
):
    client = login(city.admin)

    response = post_import(client, name, content, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert job.summary["created"] == 3
    assert "Pegawai" not in job.file.name and job.file.name.startswith("imports/")
    assert job.original_name == name


# ---------------------------------------------------------------------------------------------
# Storage: random names, nothing under a routed URL
# ---------------------------------------------------------------------------------------------


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def test_every_file_field_of_every_model_stores_under_a_random_name():
    original = "Rahasia Budi Santoso 199001012015031001.html"
    fields = file_fields()

    names = {
        f"{model.__name__}.{field.name}": [field.generate_filename(model(), original) for _ in range(2)]
        for model, field in fields
    }

    assert len(fields) >= 7  # reports, imports, certificates, study documents and reports, evidence, pacts
    for label, (first, second) in names.items():
        assert first != second, label
        stored = first.rsplit("/", 1)[-1]
        assert "Budi" not in first and "Rahasia" not in first and "199001012015031001" not in first, label
        assert not stored.endswith(".html"), label
        assert len(stored.split(".")[0]) == 32, label  # uuid4 hex


@pytest.mark.parametrize("debug", [False, True])
def test_stored_files_are_not_reachable_by_url_whatever_debug_says(client, media, settings, debug, city, login):
    path = media / "training" / "outside" / "0123456789abcdef0123456789abcdef.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(PDF)
    settings.DEBUG = debug
    urls = importlib.import_module(django_settings.ROOT_URLCONF)
    try:
        importlib.reload(urls)  # a `if settings.DEBUG: urlpatterns += static(...)` would show here
        clear_url_caches()
        address = f"/{settings.MEDIA_URL.lstrip('/')}training/outside/{path.name}"

        anonymous = client.get(address)
        signed_in = login(city.admin).get(address)

        with pytest.raises(Resolver404):
            resolve(address)
        assert anonymous.status_code == 404
        assert signed_in.status_code == 404
        assert PDF not in signed_in.content
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
        clear_url_caches()


def test_no_template_links_to_a_stored_file_directly():
    """A FileField's `.url` points under MEDIA_URL, which is never routed: downloads must go
    through the views that check permissions and call `protected_file_response`."""
    attributes = {field.name for _model, field in file_fields()}
    templates = Path(django_settings.BASE_DIR, "templates")

    offenders = [
        str(path)
        for path in templates.rglob("*.html")
        for attribute in attributes
        if f".{attribute}.url" in path.read_text(encoding="utf-8") or "MEDIA_URL" in path.read_text(encoding="utf-8")
    ]

    assert offenders == []


@pytest.mark.django_db
def test_the_admin_offers_no_upload_that_would_bypass_the_validator(rf):
    """A model with a file, registered in the admin, may not be added or changed there: the
    admin's own forms would store any file, unchecked."""
    from django.contrib import admin

    from tests.factories import UserFactory

    request = rf.get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    with_files = {model for model, _field in file_fields()}

    writable = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if model in with_files
        and (model_admin.has_add_permission(request) or model_admin.has_change_permission(request))
    ]

    assert with_files & set(admin.site._registry)  # the walk saw registered models with files
    assert writable == []
