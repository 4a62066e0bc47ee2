"""Uploaded documents (evidence, signed pacts, decrees): the content decides the type, not the
file name, and the size is capped. Files live in MEDIA_ROOT under random names and are only
ever served by views that check permissions first (`protected_file_response`)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

import filetype
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from asn_portal.services import ServiceError

DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def check_document(uploaded, *, allowed: dict[str, str] = DOCUMENT_TYPES, max_bytes: int | None = None) -> str:
    """Return the content type of an uploaded PDF or image, judged from its bytes. Raises
    `ServiceError` (codes `empty_file`, `file_too_large`, `file_type`) otherwise."""
    max_bytes = max_bytes or settings.SIGAP_MAX_DOCUMENT_BYTES
    size = getattr(uploaded, "size", None)
    if not size:
        raise ServiceError(_("The file is empty."), "empty_file", "file")
    if size > max_bytes:
        raise ServiceError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "file_too_large",
            "file",
        )
    uploaded.seek(0)
    head = uploaded.read(262)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ServiceError(
            _("Only PDF, JPEG and PNG files are accepted; this file is something else, whatever its name says."),
            "file_type",
            "file",
        )
    return kind.mime


def random_name(instance, filename: str, folder: str) -> str:
    """A storage path that reveals nothing and cannot be guessed."""
    suffix = PurePath(filename or "").suffix.lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def protected_file_response(field_file, *, download_name: str, content_type: str) -> FileResponse:
    """Stream a stored file after the caller has checked permissions. Served as an attachment
    with no sniffing, so a file can never run as a page of this site."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
