"""The one upload validator: every uploaded file passes :func:`check_upload` for its purpose.

A file is judged by its name *and* its bytes, read from the upload handler's file object in
small pieces (a 200 MB upload is never held in memory):

- empty files, and files over the purpose's per-file limit (``document_too_large``);
- names with an extension outside the purpose's allow-list, macro-enabled Office names
  (``.docm``, ``.xlsm``, ``.pptm`` …) included (``document_extension_not_allowed``,
  ``document_macros``);
- content whose sniffed type (``filetype``, from the first bytes) is not allowed: HTML, SVG,
  scripts, executables, plain ZIP archives (``document_type_not_allowed``);
- Office Open XML and OpenDocument packages (ZIP files) with macros (``vbaProject.bin``, a
  ``macroEnabled`` content type, OpenDocument ``Basic/`` or ``Scripts/``), entries with ``../``,
  absolute or backslash paths (``document_unsafe_paths``), encrypted entries
  (``document_encrypted``), too many entries or a total unpacked size over
  ``UPLOAD_MAX_UNPACKED_BYTES`` or ``UPLOAD_MAX_EXPANSION`` times the file (zip bombs,
  ``document_unpacks_too_large``), and damaged packages (``document_damaged``);
- an organisation going over ``UPLOAD_QUOTA_PER_ORGANISATION`` (``document_quota``), counted
  over every app's stored files through :func:`register_quota_source`.

:func:`store_chunks` writes a file into storage through a temporary file moved into place, so
a failed upload leaves no partial file.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

# Detected MIME type → the extension the stored name gets.
DOCUMENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "image/png": "png",
    "image/jpeg": "jpg",
}
DOCUMENT_NAMES = "PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG"
PACKAGE_TYPES = frozenset(
    mime for mime in DOCUMENT_TYPES if "openxmlformats" in mime or "opendocument" in mime
)
# Names Office gives files that may carry macros: refused whatever the bytes hold.
MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam", "sldm"}
)
MAX_PACKAGE_ENTRIES = 5000
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Purpose:
    """What an upload is for: the types it may have and the setting naming its size limit."""

    name: str
    types: dict[str, str]
    type_names: str
    limit_setting: str
    # Plain-text kinds (no magic bytes to sniff): extension → MIME type, accepted when the
    # bytes are UTF-8 text that does not start like markup.
    text_types: dict[str, str] = field(default_factory=dict)
    # XML kinds: extension → MIME type, accepted when the bytes are UTF-8 XML without a DTD.
    xml_types: dict[str, str] = field(default_factory=dict)

    @property
    def extensions(self) -> frozenset[str]:
        extra = {"jpeg"} if "jpg" in self.types.values() else set()
        return (
            frozenset(self.types.values())
            | extra
            | frozenset(self.text_types)
            | frozenset(self.xml_types)
        )

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.limit_setting, None) or 0


TENDER_DOCUMENT = Purpose(
    "tender_document", DOCUMENT_TYPES, DOCUMENT_NAMES, "TENDER_DOCUMENT_MAX_BYTES"
)
BID_DOCUMENT = Purpose("bid_document", DOCUMENT_TYPES, DOCUMENT_NAMES, "BID_DOCUMENT_MAX_BYTES")
# Documents editors upload to Wagtail (cms.upload_forms): no images, but CSV and plain text.
CMS_DOCUMENT = Purpose(
    "cms_document",
    {mime: ext for mime, ext in DOCUMENT_TYPES.items() if not mime.startswith("image/")},
    "PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV, TXT",
    "WAGTAILDOCS_MAX_UPLOAD_SIZE",
    text_types={"csv": "text/csv", "txt": "text/plain"},
)
# ESPD responses made in another tool (bids.espd.importing parses them without DTDs or entities).
ESPD_XML = Purpose(
    "espd_xml", {}, "XML", "ESPD_XML_MAX_BYTES", xml_types={"xml": "application/xml"}
)


class UploadRejected(DomainError):
    """An upload was refused; ``code`` says why and ``field`` is always ``"file"``."""

    code = "document_rejected"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = "file"):
        super().__init__(message, code=code, field=field)


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    name: str  # the uploaded name made safe, with the detected type's extension


def _damaged() -> UploadRejected:
    return UploadRejected(_("The file is damaged and cannot be read."), code="document_damaged")


def _macros() -> UploadRejected:
    return UploadRejected(
        _(
            "Files with macros cannot be uploaded. Save the document without macros "
            "(for example as DOCX or PDF) and try again."
        ),
        code="document_macros",
    )


def too_large_error(size: int, limit: int) -> UploadRejected:
    return UploadRejected(
        _("The file is %(size)s; a file may be at most %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="document_too_large",
    )


def _raw(uploaded):
    """The seekable file object behind an UploadedFile (a temporary file or a BytesIO)."""
    return getattr(uploaded, "file", None) or uploaded


def detect_type(uploaded) -> str | None:
    """The MIME type the file's first bytes show, or None when it is none we know."""
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def safe_name(name: str, extension: str) -> str:
    """The uploaded name for display and download: no folders, no control characters, and the
    extension of the detected type."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    stem, _dot, _ext = base.rpartition(".") if "." in base else (base, "", "")
    stem = stem.strip(" .")[:200] or "document"
    return f"{stem}.{extension}"


def _name_extension(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip(" .")
    return base.rpartition(".")[2].lower() if "." in base else ""


def _check_name(name: str, purpose: Purpose) -> None:
    extension = _name_extension(name)
    if extension in MACRO_EXTENSIONS:
        raise _macros()
    if extension and extension not in purpose.extensions:
        raise UploadRejected(
            _("Files ending in .%(extension)s cannot be uploaded. Allowed: %(kinds)s.")
            % {"extension": extension[:20], "kinds": purpose.type_names},
            code="document_extension_not_allowed",
        )


def _looks_like_text(handle) -> bool:
    """UTF-8 text without NUL bytes that does not open like HTML or SVG markup."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut at the end of the sample
            return False
        text = head[: error.start].decode("utf-8")
    return "\0" not in text and not text.lstrip("\ufeff \t\r\n").startswith("<")


def _looks_like_xml(handle) -> bool:
    """UTF-8 text that opens as XML and declares no DTD (no entities to expand)."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return "\0" not in text and text.startswith("<") and "<!DOCTYPE" not in text.upper()


def check_package(handle, size: int) -> None:
    """Office Open XML and OpenDocument files are ZIP packages: no macros, no unsafe or
    encrypted entries, and no more unpacked than the limits allow. ``handle`` is seekable."""
    try:
        handle.seek(0)
        package = zipfile.ZipFile(handle)
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _damaged() from None
    if len(infos) > MAX_PACKAGE_ENTRIES:
        raise _unpacks_too_large()
    unpacked = 0
    for info in infos:
        name = info.filename
        lowered = name.lower()
        parts = lowered.split("/")
        if lowered.startswith("/") or "\\" in name or ".." in parts or ":" in parts[0]:
            raise UploadRejected(
                _("The file holds parts with unsafe folder names and cannot be uploaded."),
                code="document_unsafe_paths",
            )
        if info.flag_bits & 0x1:
            raise UploadRejected(
                _("The file is protected with a password. Remove the password and try again."),
                code="document_encrypted",
            )
        if lowered.endswith("vbaproject.bin") or lowered.startswith(("basic/", "scripts/")):
            raise _macros()
        unpacked += info.file_size
    if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES or unpacked > max(size, 1) * (
        settings.UPLOAD_MAX_EXPANSION
    ):
        raise _unpacks_too_large()
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names:
        try:
            with package.open("[Content_Types].xml") as types:
                head = types.read(1024 * 1024)  # a content-types part is a few kilobytes
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
            raise _damaged() from None
        if b"macroenabled" in head.lower():
            raise _macros()


def _unpacks_too_large() -> UploadRejected:
    return UploadRejected(
        _(
            "The file unpacks to far more than its size (it may be a “zip bomb”) and cannot "
            "be uploaded."
        ),
        code="document_unpacks_too_large",
    )


def check_upload(uploaded, *, purpose: Purpose) -> CheckedUpload:
    """Refuse what ``purpose`` may not take, reading the file in small pieces."""
    size = uploaded.size or 0
    name = getattr(uploaded, "name", "") or ""
    if not size:
        raise UploadRejected(_("The file is empty."), code="document_empty")
    if purpose.max_bytes and size > purpose.max_bytes:
        raise too_large_error(size, purpose.max_bytes)
    _check_name(name, purpose)
    handle = _raw(uploaded)
    mime = detect_type(handle)
    extension = _name_extension(name)
    if mime is None and extension in purpose.text_types and _looks_like_text(handle):
        handle.seek(0)
        return CheckedUpload(
            purpose.text_types[extension], extension, size, safe_name(name, extension)
        )
    if mime is None and extension in purpose.xml_types:
        if not _looks_like_xml(handle):
            raise UploadRejected(
                _("The file is not an XML document (or it declares a DTD, which is refused)."),
                code="document_not_xml",
            )
        handle.seek(0)
        return CheckedUpload(
            purpose.xml_types[extension], extension, size, safe_name(name, extension)
        )
    if mime not in purpose.types:
        raise UploadRejected(
            _(
                "This kind of file cannot be uploaded (archives such as ZIP are refused too). "
                "Allowed: %(kinds)s."
            )
            % {"kinds": purpose.type_names},
            code="document_type_not_allowed",
        )
    if mime in PACKAGE_TYPES:
        check_package(handle, size)
    handle.seek(0)
    extension = purpose.types[mime]
    return CheckedUpload(mime, extension, size, safe_name(name, extension))


# --- Quota per organisation -----------------------------------------------------------------

_QUOTA_SOURCES: list[Callable[[int], int]] = []


def register_quota_source(source: Callable[[int], int]) -> None:
    """Apps that store files for an organisation register ``source(organisation_id) -> bytes``
    (in their ``AppConfig.ready``), so the quota counts every app's files."""
    if source not in _QUOTA_SOURCES:
        _QUOTA_SOURCES.append(source)


def storage_used(organisation_id: int) -> int:
    return sum(source(organisation_id) for source in _QUOTA_SOURCES)


def check_quota(organisation_id: int, size: int) -> None:
    """Refuse a file that would take the organisation over ``UPLOAD_QUOTA_PER_ORGANISATION``
    (0 means no quota)."""
    quota = settings.UPLOAD_QUOTA_PER_ORGANISATION
    if not quota:
        return
    used = storage_used(organisation_id)
    if used + size > quota:
        raise UploadRejected(
            _(
                "Your organisation may store at most %(quota)s of files; %(used)s is used, and "
                "this file is %(size)s. Remove files you no longer need, or ask us for more room."
            )
            % {
                "quota": filesizeformat(quota),
                "used": filesizeformat(used),
                "size": filesizeformat(size),
            },
            code="document_quota",
        )


# --- Writing ----------------------------------------------------------------------------------


class _MovableFile(File):
    """A finished temporary file: FileSystemStorage moves it into place (one rename when the
    temporary folder is on the same file system) instead of copying it."""

    def temporary_file_path(self) -> str:
        return self.name


def _temp_dir(storage) -> str | None:
    location = getattr(storage, "location", None)
    if not location:
        return None
    folder = os.path.join(location, ".incoming")
    os.makedirs(folder, exist_ok=True)
    return folder


def store_chunks(field_file, name: str, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` into ``field_file``'s storage under ``name`` (``upload_to`` applies):
    first to a temporary file beside the storage, then moved into place. On any failure the
    temporary file is removed and nothing is stored."""
    storage = field_file.storage
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below, kept for the move)
        dir=_temp_dir(storage), suffix=".part", delete=False
    )
    try:
        with handle:
            for chunk in chunks:
                handle.write(chunk)
        with _MovableFile(open(handle.name, "rb"), name=handle.name) as finished:
            field_file.save(name, finished, save=False)
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
