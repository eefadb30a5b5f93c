"""Documents kept privately: a report as a PDF, or a photo or scan of a paper one. The
kind is decided from the file's own bytes, never from the name or type the device sent;
the file is written under a private folder (settings.EVIDENCE_DIR, which no URL serves)
with a name made here, and read back only through a page that asked the access layer.

Here, in lib, so that any app may keep a document without importing the evidence app,
which sits above most of them (evidence.media keeps pictures, video and sound for
evidence, with thumbnails; this keeps documents and needs none).

A photo is written afresh from its pixels, as evidence's are: a phone's picture of a paper
report can carry the place it was taken (EXIF GPS), which a record about a child must not."""

import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
# Pillow refuses larger pictures (a small file that unpacks into gigabytes).
MAX_PIXELS = 60_000_000

NOT_A_DOCUMENT = (
    "SENDesk can't take this file. Attach the report as a PDF, or a photo or scan of the "
    "paper report as a JPEG or PNG."
)
UNREADABLE_PICTURE = "This picture could not be read: it may be damaged. Scan it again."


class NotADocument(ValueError):
    pass


@dataclass
class Kept:
    path: str  # relative to settings.EVIDENCE_DIR
    content_type: str
    size: int
    sha256: str


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG from its first bytes; else None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    return None


def in_words(size: int) -> str:
    """A size as a person reads it: '1.5 MB', '20 MB', '300 KB'."""
    if size >= MB:
        return f"{size / MB:.1f}".removesuffix(".0") + " MB"
    return f"{-(-size // 1024)} KB"


def check_document(upload, limit: int) -> str | None:
    """The plain message refusing `upload` (missing, empty, not a PDF/JPEG/PNG, larger
    than `limit` bytes), or None when it may be kept."""
    if upload is None:
        return "Choose the report file to attach."
    if not upload.size:
        return "This file is empty: choose it again."
    upload.seek(0)
    if sniff_document(upload.read(16)) is None:
        return NOT_A_DOCUMENT
    if upload.size > limit:
        return (
            f"This file is {in_words(upload.size)}: the largest SENDesk takes is "
            f"{in_words(limit)}. Save the PDF at a smaller size, or scan at a lower quality."
        )
    return None


class Unreadable(ValueError):
    pass


def read_picture(upload) -> Image.Image:
    """The picture in `upload`, loaded and turned the way it was taken; Unreadable when it
    is damaged or too large a picture. Shared with evidence.media, whose photos the same."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as im:
            im.load()
            return ImageOps.exif_transpose(im)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Unreadable from None


def _picture(upload, content_type: str) -> bytes:
    try:
        picture = read_picture(upload)
    except Unreadable:
        raise NotADocument(UNREADABLE_PICTURE) from None
    out = io.BytesIO()
    if content_type == "image/png":
        picture.save(out, "PNG")
    else:
        picture.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def keep_document(upload, folder: str) -> Kept:
    """Write a checked document (check_document) under EVIDENCE_DIR/`folder`, named by a
    new uuid. The caller removes it (remove) if its transaction then fails."""
    upload.seek(0)
    content_type, ext = sniff_document(upload.read(16))
    if content_type.startswith("image/"):
        data = _picture(upload, content_type)
    else:
        upload.seek(0)
        data = upload.read()
    relative = f"{folder}/{uuid.uuid4()}.{ext}"
    dest = Path(settings.EVIDENCE_DIR) / relative
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return Kept(relative, content_type, len(data), hashlib.sha256(data).hexdigest())


def document_path(relative: str) -> Path:
    """The stored file's place on disk; refuses a path that would leave the folder."""
    root = Path(settings.EVIDENCE_DIR).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative)
    return path


def remove(relative: str) -> None:
    (Path(settings.EVIDENCE_DIR) / relative).unlink(missing_ok=True)
