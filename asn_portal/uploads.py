"""Every uploaded file goes through this module: documents (evidence, signed pacts, decrees,
certificates, transcripts) and the spreadsheets of the imports. The content decides the type,
never the name; the size is capped; files live in MEDIA_ROOT (private storage, never routed to
a URL) under random names and are only served by views that check permissions first, as an
attachment that the browser may not sniff (`protected_file_response`).

`check_upload(uploaded, kind=DOCUMENT | SPREADSHEET)` is the one validator. It raises
`UploadRejected` (a `ServiceError` on the field "file") with a stable English code and a message
for people; nothing has been stored when it raises. The checks, in order:

1. Empty, then too large: decided from the upload's declared size (or a seek to its end) before
   a byte is read, so a huge file is never read into memory to find out.
2. The content decides, judged by its magic bytes (`filetype`), and the extension must agree
   with it for the kind. Documents: the content must be a PDF, JPEG or PNG (an EXE or an HTML
   page named .pdf is refused), and the name must end in one of the documents' extensions
   (.pdf .jpg .jpeg .jpe .jfif .png) or have none (a PDF named .xlsx or .html is refused).
   Which of the three it is, the content decides: a phone photo saved as "surat.pdf" is
   accepted as the PNG it is (as before; the stored type is the content's, and downloads are
   served with that type). Spreadsheets: the name must end in .xlsx or .csv and the content
   must be a workbook or text accordingly (a PDF named .xlsx or .csv is refused).
3. Polyglots, files that are valid as two formats at once. The rules chosen:

   - Every document: no HTML/script markup (`<script`, `<html`, `<svg`, `<iframe`, ...) in its
     first or last 8 KB, where a browser's content sniffing looks and where an appended page
     sits. Only the ends are searched, because compressed image data would, over megabytes,
     now and then contain a short marker by chance; the middle of a file cannot turn it into a
     page as long as it is served as an attachment with `nosniff` (which it always is).
   - Every document: no ZIP end-of-central-directory record in its last 64 KB + 22 bytes. A ZIP
     reader finds an archive from its end, so that is where an appended archive (PDF+ZIP,
     GIFAR-style JPEG+JAR) must put it.
   - PNG: nothing may follow the IEND chunk. (A PNG without IEND is truncated, not dangerous,
     and is accepted; decoding every image with Pillow would refuse fine-but-odd scans.)
   - JPEG: only the two rules above. Data after the EOI marker is not refused, because phones
     legitimately append some (motion photos, maker trailers).
   - PDF: nothing but whitespace after the last `%%EOF`; and no active content: the names
     /JavaScript (a /JS action needs /S /JavaScript, and document scripts live in a
     /JavaScript name tree), /Launch, /EmbeddedFile(s) and /RichMedia are refused, also when
     spelt with #xx escapes (/Java#53cript), in the file as stored and inside its compressed
     object streams, which are inflated (64 MB in all at most) to look: a stream whose
     dictionary says /Type /ObjStm, and any deflated stream whose data starts like an object
     stream's header (pairs of integers), so that a dictionary made unreadable to this simple
     scanner (a comment, a long string) does not hide one. The short /JS key alone is not
     searched for: three bytes occur by chance in megabytes of compressed data. An object
     stream that cannot be inflated (an encrypted PDF, another filter) cannot be checked and is
     refused with a request to save the PDF again. This is a scanner, not a PDF parser: an
     object stream under a predictor or another filter and a dictionary that hides /ObjStm
     would still pass; the attachment + nosniff serving and the viewers' own guards remain.

4. Spreadsheets. An .xlsx is a ZIP: its central directory is read (not its contents) before
   openpyxl opens it, and refused when it has more than `MAX_XLSX_MEMBERS` parts, declares more
   than `MAX_XLSX_UNPACKED_BYTES` unpacked, packs a large part more than `MAX_XLSX_RATIO` times
   (a zip bomb: a few KB of deflated zeros declaring hundreds of MB), holds another archive, is
   encrypted or uses a compression other than deflate, or is not an OOXML workbook
   (`[Content_Types].xml` and `xl/workbook.xml`). The declared sizes are binding: Python's
   `zipfile`, which openpyxl reads through, never returns more bytes of a part than its
   directory entry declares. A .csv must not be a binary file renamed, must hold no NUL byte,
   must decode as UTF-8 (with or without BOM) or Windows-1252 (what Excel on Windows writes),
   and may have at most `MAX_SPREADSHEET_ROWS` data rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
import zipfile
import zlib
from pathlib import PurePath

import filetype
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from asn_portal.services import ServiceError

DOCUMENT = "document"
SPREADSHEET = "spreadsheet"

DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
# The extensions each document type may carry (the first is the canonical one).
DOCUMENT_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
SPREADSHEET_EXTENSIONS = (".xlsx", ".csv")
# Suffixes a stored name may keep (`random_name`); any other is dropped.
STORED_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".xlsx", ".csv"})

MAX_SPREADSHEET_ROWS = 100_000
MAX_XLSX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_XLSX_MEMBERS = 2_000
# Worksheet XML packs 5-30 times, very repetitive sheets up to ~60; deflate's ceiling is ~1030.
MAX_XLSX_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024  # small parts (styles, rels) may pack oddly; they cannot bomb
_XLSX_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".docm", ".pptx", ".jar", ".gz", ".7z", ".rar")
_ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")

_ENDS = 8 * 1024  # bytes searched for markup at each end of a document
_ZIP_TAIL = 64 * 1024 + 22  # where a ZIP's end-of-central-directory record must be
_ZIP_EOCD = b"PK\x05\x06"
_MARKUP = re.compile(
    rb"<(?:script|html|body|head|iframe|frame|svg|object|embed|applet|form|meta|base|link|style|!doctype|\?php)"
    rb"[\s>/]",
    re.IGNORECASE,
)
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_PDF_EOF = b"%%EOF"
_PDF_TRAILING_OK = b" \t\r\n\f\x00"
# Inflating object streams costs memory: at most this much in all, per PDF.
_MAX_PDF_INFLATED = 64 * 1024 * 1024


def _escaped(name: str) -> bytes:
    """A regex for a PDF name's characters, each one either itself or its #xx escape."""
    parts = []
    for char in name:
        hex_code = f"{ord(char):02x}"
        escape = "#" + "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in hex_code)
        parts.append(f"(?:{re.escape(char)}|{escape})")
    return "".join(parts).encode()


_PDF_ACTIVE = re.compile(
    rb"/(?:" + rb"|".join(_escaped(name) for name in ("JavaScript", "Launch", "EmbeddedFile", "RichMedia")) + rb")"
)
_PDF_OBJSTM = re.compile(rb"/" + _escaped("ObjStm") + rb"(?![A-Za-z0-9#])")
_PDF_FLATE = re.compile(rb"/" + _escaped("FlateDecode") + rb"(?![A-Za-z0-9#])")
_PDF_FILTER = re.compile(rb"/" + _escaped("Filter") + rb"\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJSTM_HEADER = re.compile(rb"\s*\d+\s+\d+\s")


class UploadRejected(ServiceError):
    """An upload refused by `check_upload`; `code` is stable, `message` is for people."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code, "file")


# ---------------------------------------------------------------------------------------------
# The validator
# ---------------------------------------------------------------------------------------------


def check_upload(uploaded, kind: str = DOCUMENT, *, filename: str | None = None, max_bytes: int | None = None) -> str:
    """Check an uploaded file of `kind` (DOCUMENT or SPREADSHEET) and return its content type,
    judged from its bytes. `filename` defaults to the upload's name. Raises `UploadRejected`;
    the codes are listed in `check_document` and `check_spreadsheet`."""
    if kind == DOCUMENT:
        return check_document(uploaded, filename=filename, max_bytes=max_bytes)
    if kind == SPREADSHEET:
        return check_spreadsheet(uploaded, filename=filename, max_bytes=max_bytes)
    raise ValueError(f"unknown upload kind {kind!r}")


def check_document(
    uploaded,
    *,
    allowed: dict[str, str] = DOCUMENT_TYPES,
    max_bytes: int | None = None,
    filename: str | None = None,
) -> str:
    """Return the content type of an uploaded PDF or image, judged from its bytes. Raises
    `UploadRejected` with the codes `empty_file`, `file_too_large`, `file_type` (the content is
    not an allowed type), `file_extension` (the name is not a document's), `polyglot` (markup
    or an archive hidden in it, data after its end) and `pdf_active_content`, `pdf_unchecked`."""
    max_bytes = max_bytes or settings.SIGAP_MAX_DOCUMENT_BYTES
    size = _checked_size(uploaded, max_bytes, code="file_too_large")
    name = getattr(uploaded, "name", "") if filename is None else filename
    head = _read_at(uploaded, 0, _ENDS)
    guessed = filetype.guess(head[:262])
    if guessed is None or guessed.mime not in allowed:
        raise UploadRejected(
            _("Only PDF, JPEG and PNG files are accepted; this file is something else, whatever its name says."),
            "file_type",
        )
    mime = guessed.mime
    suffix = PurePath(name or "").suffix.lower()
    extensions = {extension for type_ in allowed for extension in DOCUMENT_EXTENSIONS.get(type_, (allowed[type_],))}
    if suffix and suffix not in extensions:
        raise UploadRejected(
            _(
                "The file name ends in %(extension)s, but the file is a %(type)s. Give it the right extension (%(expected)s) and upload it again."
            )
            % {"extension": suffix, "type": _type_label(mime), "expected": allowed[mime]},
            "file_extension",
        )
    tail = _read_at(uploaded, max(0, size - _ZIP_TAIL), _ZIP_TAIL)
    if _MARKUP.search(head) or _MARKUP.search(tail[-_ENDS:]):
        raise _polyglot(_("it contains web page code (HTML or script)"))
    if _ZIP_EOCD in tail:
        raise _polyglot(_("an archive (ZIP) is attached to it"))
    if mime == "image/png":
        _check_png(uploaded)
    elif mime == "application/pdf":
        _check_pdf(uploaded)
    uploaded.seek(0)
    return mime


def check_spreadsheet(uploaded, *, filename: str | None = None, max_bytes: int | None = None) -> str:
    """Return the content type of an uploaded import spreadsheet (.xlsx or .csv). Raises
    `UploadRejected` with the codes `empty_file`, `too_large`, `bad_extension`, and those of
    `check_spreadsheet_content`."""
    max_bytes = max_bytes or settings.SIGAP_MAX_UPLOAD_BYTES
    name = getattr(uploaded, "name", "") if filename is None else filename
    _checked_size(
        uploaded,
        max_bytes,
        code="too_large",
        message=_("The file is too large (%(size)s). The limit is %(limit)s: split it into smaller files."),
    )
    extension = PurePath(name or "").suffix.lower()
    if extension not in SPREADSHEET_EXTENSIONS:
        raise UploadRejected(
            _("Only .xlsx and .csv files can be imported (this file is %(extension)s).")
            % {"extension": extension or _("without extension")},
            "bad_extension",
        )
    return check_spreadsheet_content(uploaded, extension)


def check_spreadsheet_content(fileobj, extension: str) -> str:
    """The content checks of a spreadsheet whose name ends in `extension`, without the size
    cap (the import command reads files an administrator put on the server). Codes:
    `empty_file`, `not_xlsx`, `too_large` (unpacked), `too_many_parts`, `zip_bomb`,
    `nested_archive`, `not_csv`, `too_many_rows`."""
    if extension == ".xlsx":
        _check_xlsx(fileobj)
        return XLSX_TYPE
    if extension == ".csv":
        _check_csv(fileobj)
        return CSV_TYPE
    raise ValueError(f"not a spreadsheet extension: {extension!r}")


def decode_csv(raw: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252, which Excel on
    Windows writes. Raises `UploadRejected` (`not_csv`) for a binary file."""
    if b"\x00" in raw:
        raise _not_csv()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UploadRejected(
            _("The CSV file could not be read as text. Save it as CSV UTF-8 and upload it again."), "not_csv"
        ) from exc


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def _type_label(mime: str) -> str:
    return {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}.get(mime, mime)


def _polyglot(reason: str) -> UploadRejected:
    return UploadRejected(
        _(
            "This file cannot be accepted: %(reason)s. Save or scan the document again as a plain PDF, JPEG or PNG and upload that."
        )
        % {"reason": reason},
        "polyglot",
    )


def _check_png(uploaded) -> None:
    data = _read_at(uploaded, 0, None)
    end = data.find(_PNG_IEND)
    if end != -1 and data[end + len(_PNG_IEND) :]:
        raise _polyglot(_("there is data after the end of the image"))


def _check_pdf(uploaded) -> None:
    data = _read_at(uploaded, 0, None)
    eof = data.rfind(_PDF_EOF)
    if eof != -1 and data[eof + len(_PDF_EOF) :].strip(_PDF_TRAILING_OK):
        raise _polyglot(_("there is data after the end of the PDF"))
    if _PDF_ACTIVE.search(data):
        raise _pdf_active()
    budget = _MAX_PDF_INFLATED
    for body, dictionary in _pdf_streams(data):
        if _PDF_OBJSTM.search(dictionary):
            filters = _PDF_FILTER.search(dictionary)
            if filters is None:
                inflated = body
            elif _PDF_FLATE.fullmatch(filters.group(1).strip(b"[] \t\r\n")):
                inflated = _inflate(body, budget)
            else:  # another filter, or a chain of them: not worth decoding, and not what writers do
                inflated = None
        elif _looks_like_object_stream(body):
            # Whatever its dictionary seems to say (a comment or a long string can push
            # "/ObjStm" out of sight), deflated data that starts like an object stream's
            # header ("3 0 4 57 ...") is inflated and searched too.
            inflated = _inflate(body, budget)
        else:
            continue
        if inflated is None:
            raise UploadRejected(
                _(
                    "This PDF is protected or packed in a way SIGAP cannot check. Save it again without a password (for example with Print → Save as PDF) and upload that."
                ),
                "pdf_unchecked",
            )
        budget -= len(inflated)
        if _PDF_ACTIVE.search(inflated):
            raise _pdf_active()


def _pdf_active() -> UploadRejected:
    return UploadRejected(
        _(
            "This PDF contains scripts, attached files or commands that could run on the reader's computer. Save it again as a plain PDF (for example with Print → Save as PDF) and upload that."
        ),
        "pdf_active_content",
    )


def _pdf_streams(data: bytes):
    """(raw body, the 4 KB before its `stream` keyword, where its dictionary is) of every
    stream of a PDF."""
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        yield data[match.end() : end if end != -1 else len(data)], data[max(0, match.start() - 4096) : match.start()]


def _looks_like_object_stream(body: bytes) -> bool:
    if len(body) < 2 or body[0] & 0x0F != 8 or (body[0] << 8 | body[1]) % 31:  # not a zlib header
        return False
    try:
        start = zlib.decompressobj().decompress(body, 64)
    except zlib.error:
        return False
    return _OBJSTM_HEADER.match(start) is not None


def _inflate(body: bytes, budget: int) -> bytes | None:
    """The inflated body, or None when it is not deflate data or would exceed `budget`."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, max(budget, 0) + 1)
    except zlib.error:
        return None
    if len(out) > budget:
        return None
    return out


# ---------------------------------------------------------------------------------------------
# Spreadsheets
# ---------------------------------------------------------------------------------------------


def _not_xlsx() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is not an Excel workbook (.xlsx), although its name ends in .xlsx. Save it from Excel as .xlsx or as CSV and upload it again."
        ),
        "not_xlsx",
    )


def _damaged_xlsx() -> UploadRejected:
    return UploadRejected(
        _("This .xlsx file is damaged or not an Excel workbook. Save it again from Excel and upload it again."),
        "not_xlsx",
    )


def _not_csv() -> UploadRejected:
    return UploadRejected(
        _("This file is not a CSV text file. Save the spreadsheet as CSV (UTF-8) or upload it as .xlsx."), "not_csv"
    )


def _check_xlsx(fileobj) -> None:
    head = _read_at(fileobj, 0, 4)
    if not head:
        raise UploadRejected(_("The file is empty."), "empty_file")
    if head != b"PK\x03\x04":
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            _check_xlsx_directory(members)
            for member in members:
                if member.file_size and member.compress_size and _is_archive(archive, member):
                    raise UploadRejected(
                        _(
                            "This workbook holds another archive or an embedded file (%(part)s). Remove embedded objects, save it again and upload it again."
                        )
                        % {"part": member.filename[:80]},
                        "nested_archive",
                    )
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise _damaged_xlsx() from exc
    finally:
        fileobj.seek(0)


def _check_xlsx_directory(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_XLSX_MEMBERS:
        raise UploadRejected(
            _("This workbook has too many parts (more than %(limit)s). Save it again from Excel and upload it again.")
            % {"limit": f"{MAX_XLSX_MEMBERS:,}"},
            "too_many_parts",
        )
    names = {member.filename for member in members}
    if any(part not in names for part in _XLSX_REQUIRED_PARTS):
        raise _not_xlsx()
    unpacked = 0
    for member in members:
        if member.flag_bits & 0x1 or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged_xlsx()
        unpacked += member.file_size
        # A small .xlsx can unpack to gigabytes (a "zip bomb"); real sheets compress ~10x.
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise UploadRejected(
                _("This workbook unpacks to more than %(limit)s. Split it into smaller files.")
                % {"limit": filesizeformat(MAX_XLSX_UNPACKED_BYTES)},
                "too_large",
            )
        if member.file_size > _RATIO_FROM_BYTES and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise UploadRejected(
                _(
                    "This workbook is packed in an unusual way (it would unpack to far more than its size) and is refused for safety. Save it again from Excel and upload it again."
                ),
                "zip_bomb",
            )
        if member.filename.lower().endswith(_ARCHIVE_SUFFIXES):
            raise UploadRejected(
                _(
                    "This workbook holds another archive or an embedded file (%(part)s). Remove embedded objects, save it again and upload it again."
                )
                % {"part": member.filename[:80]},
                "nested_archive",
            )


def _is_archive(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with archive.open(member) as part:
        return part.read(8).startswith(_ARCHIVE_MAGICS)


def _check_csv(fileobj) -> None:
    raw = _read_at(fileobj, 0, None)
    fileobj.seek(0)
    if isinstance(raw, str):  # a text stream (the command's callers, tests): already decoded
        text = raw
    else:
        if not raw.strip():
            raise UploadRejected(_("The file is empty."), "empty_file")
        if filetype.guess(raw[:262]) is not None:  # a PDF, a ZIP, an image, a program renamed .csv
            raise _not_csv()
        text = decode_csv(raw)
    if not text.strip():
        raise UploadRejected(_("The file is empty."), "empty_file")
    # Counting lines is cheap and an upper bound; only a file over it is parsed to count rows
    # (a quoted cell may span lines).
    if text.count("\n") > MAX_SPREADSHEET_ROWS + 1:
        rows = sum(1 for cells in csv.reader(io.StringIO(text, newline="")) if cells)
        if rows > MAX_SPREADSHEET_ROWS + 1:
            raise UploadRejected(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{MAX_SPREADSHEET_ROWS:,}"},
                "too_many_rows",
            )


# ---------------------------------------------------------------------------------------------
# Reading without trusting
# ---------------------------------------------------------------------------------------------


def _checked_size(uploaded, max_bytes: int, *, code: str, message: str | None = None) -> int:
    """The upload's size, refused when empty or over `max_bytes`; nothing is read."""
    size = getattr(uploaded, "size", None)
    if size is None:
        position = uploaded.tell()
        size = uploaded.seek(0, os.SEEK_END)
        uploaded.seek(position)
    if not size:
        raise UploadRejected(_("The file is empty."), "empty_file")
    if size > max_bytes:
        message = message or _("The file is too large (%(size)s). The limit is %(limit)s.")
        raise UploadRejected(message % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}, code)
    return size


def _read_at(fileobj, offset: int, length: int | None):
    """`length` bytes (all with None) from `offset`; the file is left at its start."""
    fileobj.seek(offset)
    data = fileobj.read() if length is None else fileobj.read(length)
    fileobj.seek(0)
    return data


# ---------------------------------------------------------------------------------------------
# Storing and serving
# ---------------------------------------------------------------------------------------------


def random_name(instance, filename: str, folder: str) -> str:
    """A storage path that reveals nothing and cannot be guessed. Only a known suffix is kept
    (one the validator accepts), so no stored file is ever named .html or .exe."""
    suffix = PurePath(filename or "").suffix.lower()
    return f"{folder}/{uuid.uuid4().hex}{suffix if suffix in STORED_SUFFIXES else ''}"


def protected_file_response(field_file, *, download_name: str, content_type: str) -> FileResponse:
    """Stream a stored file after the caller has checked permissions. Served as an attachment
    with no sniffing, so a file can never run as a page of this site."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
