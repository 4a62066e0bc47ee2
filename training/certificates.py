"""The STTPP (Surat Tanda Tamat Pelatihan) as a PDF, and what the public verification page
may show of it.

The PDF is A4 landscape, drawn with reportlab's canvas and its built-in fonts (no system
fonts, no other PDF library) and reportlab's own QR code widget. The QR code holds the
absolute address of the public verification page (settings.SIGAP_SITE_URL + /v/<code>/), so a
printed copy can be checked by anyone with a phone.

The document's wording is Indonesian whatever the reader's language: it is an official
form (DOMAIN.md §6.3: STTPP), not part of the interface, so its texts are not translated.
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from asn_portal.nip import format_nip
from training.models import Certificate

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MASK = "•"
NAVY = colors.HexColor("#1e3a8a")
GOLD = colors.HexColor("#b7892b")
INK = colors.HexColor("#101828")
MUTED = colors.HexColor("#475467")


# ---------------------------------------------------------------------------------------------
# What the public may see
# ---------------------------------------------------------------------------------------------


def mask_nip(nip: str) -> str:
    """A NIP with only its first 6 and last 3 digits visible, in the decree grouping
    (8-6-1-3): "198609•• •••••• • 001". Enough for a holder to recognise their own
    certificate, not enough to learn a stranger's birth date, appointment month or gender."""
    digits = "".join(ch for ch in str(nip or "") if ch.isdigit())
    if len(digits) != 18:
        # Not a NIP we know how to group: show only the last 3 digits.
        return MASK * max(len(digits) - 3, 0) + digits[-3:]
    masked = digits[:6] + MASK * 9 + digits[15:]
    return format_nip(masked)


def verification_path(certificate: Certificate) -> str:
    return reverse("certificates:verify", args=[certificate.code])


def verification_url(certificate: Certificate) -> str:
    """The absolute address printed in the QR code (the site's public address, not the
    address of whoever happened to request the PDF)."""
    return settings.SIGAP_SITE_URL.rstrip("/") + verification_path(certificate)


# ---------------------------------------------------------------------------------------------
# Dates in Indonesian (the document is Indonesian whatever the active language)
# ---------------------------------------------------------------------------------------------


def date_id(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def date_span_id(first: dt.date, last: dt.date) -> str:
    """ "1 – 3 Desember 2026", "28 November – 2 Desember 2026", "30 Desember 2026 – 2 Januari 2027"."""
    if first == last:
        return date_id(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {date_id(last)}"
    if first.year == last.year:
        return f"{first.day} {MONTHS_ID[first.month - 1]} – {date_id(last)}"
    return f"{date_id(first)} – {date_id(last)}"


def place_of_issue() -> str:
    """The town printed before the date: "Pemerintah Kota Semarang" gives "Semarang"."""
    name = settings.SIGAP_GOVERNMENT_NAME.strip()
    for prefix in ("Pemerintah ", "Kota ", "Kabupaten ", "Provinsi "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


def _roman(number: int) -> str:
    """Batch (angkatan) numbers are written in Roman numerals on Indonesian certificates."""
    if not 0 < number < 4000:
        return str(number)
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
    values += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = []
    for value, letters in values:
        while number >= value:
            result.append(letters)
            number -= value
    return "".join(result)


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


def _centred_lines(pdf, text: str, *, font: str, size: float, y: float, width: float, centre: float, leading: float):
    """Draw `text` centred, wrapped to `width`; returns the y below the last line."""
    for line in simpleSplit(text, font, size, width) or [""]:
        pdf.setFont(font, size)
        pdf.drawCentredString(centre, y, line)
        y -= leading
    return y


def _fit_size(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest font size from `size` down to `smallest` at which `text` fits on one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def render_certificate(certificate: Certificate, *, compress: bool = True) -> bytes:
    """The certificate as PDF bytes. `compress=False` writes readable content streams (tests
    look for the printed texts in them). The document's title (metadata, never compressed)
    carries the certificate number."""
    registration = certificate.registration
    session = registration.session
    program = session.program
    employee = registration.employee

    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1 if compress else 0)
    pdf.setTitle(f"STTPP {certificate.number}")
    pdf.setSubject(program.title)
    pdf.setAuthor(settings.SIGAP_HR_AGENCY_NAME)
    pdf.setCreator("SIGAP")
    centre = width / 2
    text_width = width - 200

    # Frame: a navy outer line and a thin gold inner line.
    pdf.setStrokeColor(NAVY)
    pdf.setLineWidth(3)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1)
    pdf.rect(32, 32, width - 64, height - 64)

    # Issuer.
    y = height - 78
    pdf.setFillColor(NAVY)
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(centre, y, settings.SIGAP_GOVERNMENT_NAME.upper())
    y -= 19
    agency = settings.SIGAP_HR_AGENCY_NAME.upper()
    y = _centred_lines(
        pdf,
        agency,
        font="Helvetica-Bold",
        size=_fit_size(agency, "Helvetica-Bold", 12, text_width, 9),
        y=y,
        width=text_width,
        centre=centre,
        leading=15,
    )
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1.2)
    pdf.line(centre - 180, y + 5, centre + 180, y + 5)

    # Title and number.
    y -= 38
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(centre, y, "SURAT TANDA TAMAT PELATIHAN")
    y -= 22
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 11.5)
    pdf.drawCentredString(centre, y, f"Nomor: {certificate.number}")

    # Holder.
    y -= 38
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(centre, y, "diberikan kepada")
    y -= 32
    pdf.setFillColor(NAVY)
    name = employee.full_name
    pdf.setFont("Helvetica-Bold", _fit_size(name, "Helvetica-Bold", 24, text_width, 13))
    pdf.drawCentredString(centre, y, name)
    y -= 20
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(centre, y, f"NIP {format_nip(employee.nip)}")

    # What, when, where, how long.
    y -= 34
    pdf.setFillColor(MUTED)
    pdf.drawCentredString(centre, y, "telah mengikuti dan dinyatakan LULUS pada")
    y -= 26
    pdf.setFillColor(INK)
    title = program.title
    y = _centred_lines(
        pdf,
        title,
        font="Helvetica-Bold",
        size=_fit_size(title, "Helvetica-Bold", 18, text_width, 13),
        y=y,
        width=text_width,
        centre=centre,
        leading=21,
    )
    pdf.setFillColor(MUTED)
    when = f"Angkatan {_roman(session.batch)}  ·  {date_span_id(session.starts_on, session.ends_on)}"
    pdf.setFont("Helvetica", 11.5)
    pdf.drawCentredString(centre, y, when)
    y -= 15
    if session.place:
        y = _centred_lines(
            pdf, session.place, font="Helvetica", size=11.5, y=y, width=text_width, centre=centre, leading=15
        )
    y -= 8
    pdf.setFillColor(NAVY)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawCentredString(centre, y, f"sebanyak {certificate.jp} jam pelajaran (JP)")

    # QR code (bottom left) with the address beneath it.
    url = verification_url(certificate)
    size = 92
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    qr_x, qr_y = 62, 66
    renderPDF.draw(drawing, pdf, qr_x, qr_y)
    pdf.setFillColor(MUTED)
    pdf.setFont("Helvetica", 7.5)
    pdf.drawString(qr_x + size + 8, qr_y + size - 14, "Pindai untuk memeriksa keaslian")
    pdf.drawString(qr_x + size + 8, qr_y + size - 25, "sertifikat ini, atau buka:")
    pdf.setFillColor(NAVY)
    for index, line in enumerate(simpleSplit(url, "Helvetica", 7.5, 190)):
        pdf.drawString(qr_x + size + 8, qr_y + size - 38 - index * 10, line)
    pdf.setFillColor(MUTED)
    pdf.drawString(qr_x + size + 8, qr_y + 4, f"Kode verifikasi: {certificate.code}")

    # Place, date and the head of the agency (bottom right).
    sign_x = width - 200
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(sign_x, 150, f"{place_of_issue()}, {date_id(certificate.issued_on)}")
    pdf.drawCentredString(sign_x, 135, f"Kepala {settings.SIGAP_HR_AGENCY_SHORT}")
    pdf.setStrokeColor(MUTED)
    pdf.setLineWidth(0.6)
    pdf.line(sign_x - 90, 80, sign_x + 90, 80)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def filename(certificate: Certificate) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in certificate.number).strip("-")
    return f"{safe}.pdf"
