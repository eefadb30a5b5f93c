"""What a file is, and making it safe to keep: photos re-encoded without their metadata
(EXIF, with the GPS position a phone writes), thumbnails for lists, and the location boxes
of a phone's video or audio (MP4, MOV, M4A) blanked. Decided from the file's own bytes,
never from the name or type the device sent.

Why re-encode photos rather than delete EXIF fields: a photo can carry its position in
EXIF, XMP and maker notes; a picture written afresh from its pixels carries none of them."""

import hashlib
import io
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

from sendesk.lib import files

# Pictures are read by sendesk.lib.files.read_picture (which refuses one above 60
# megapixels: a 'decompression bomb', a small file that unpacks into gigabytes).
THUMB_SIZE = (480, 480)

UNKNOWN = (
    "SENDesk can't read this file. Send a photo (JPEG, PNG, WebP or GIF), a video (MP4, MOV "
    "or WebM) or a recording (M4A, MP3, OGG, WebM or WAV). An iPhone sends its photos as "
    "JPEG when they are chosen from a web page."
)


class NotMedia(ValueError):
    pass


@dataclass
class Sniffed:
    family: str  # "image", "video" or "audio"
    content_type: str
    ext: str


def sniff(head: bytes, declared: str = "") -> Sniffed | None:
    """The kind of file from its first bytes. `declared` (what the device said) only tells
    an audio WebM from a video one, which the first bytes do not."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Sniffed("audio", "audio/mp4", "m4a")
        if brand == b"qt  ":
            return Sniffed("video", "video/quicktime", "mov")
        if brand[:3] in (b"hei", b"mif", b"avi"):
            return None  # HEIC/AVIF stills: Pillow can't read them here
        return Sniffed("video", "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if declared.startswith("audio/"):
            return Sniffed("audio", "audio/webm", "webm")
        return Sniffed("video", "video/webm", "webm")
    if head.startswith(b"OggS"):
        return Sniffed("audio", "audio/ogg", "ogg")
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return Sniffed("audio", "audio/mpeg", "mp3")
    return None


@dataclass
class Stored:
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    thumb: bool = False


def store_image(upload, dest: Path, thumb: Path) -> Stored:
    """The photo, turned the way it was taken and written afresh as JPEG (PNG when it has
    transparency): no metadata survives. A thumbnail beside it for lists."""
    try:
        picture = files.read_picture(upload)
    except files.Unreadable:
        raise NotMedia(
            "This photo could not be read: it may be damaged, or too large a picture."
        ) from None
    keeps_alpha = picture.mode in ("RGBA", "LA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    out = io.BytesIO()
    if keeps_alpha:
        picture.convert("RGBA").save(out, "PNG")
        content_type = "image/png"
    else:
        picture.convert("RGB").save(out, "JPEG", quality=88)
        content_type = "image/jpeg"
    data = out.getvalue()
    dest.write_bytes(data)
    small = picture.convert("RGB")
    small.thumbnail(THUMB_SIZE)
    small.save(thumb, "JPEG", quality=80)
    return Stored(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=picture.width,
        height=picture.height,
        thumb=True,
    )


# ISO base media (MP4, MOV, M4A): boxes that hold other boxes, and boxes whose contents are
# metadata (the phone's position: udta/©xyz on Android, meta/...location.ISO6709 on an
# iPhone; XMP in a top-level uuid box). Metadata boxes are renamed 'free' (padding every
# player skips) and zeroed, in place: the file keeps its length, so the offsets of its
# media data stay right.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts", b"dinf", b"stbl", b"moof", b"traf"}
METADATA = {b"udta", b"meta", b"uuid", b"XMP_"}


def _blank_boxes(f, start: int, end: int) -> None:
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        header = f.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        head_len = 8
        if size == 1:
            if len(header) < 16:
                return
            size, head_len = struct.unpack(">Q", header[8:16])[0], 16
        elif size == 0:
            size = end - pos
        if size < head_len or pos + size > end:
            return  # damaged: what follows cannot be read as boxes
        if kind in METADATA:
            f.seek(pos + 4)
            f.write(b"free")
            f.seek(pos + head_len)
            remaining = size - head_len
            while remaining:
                chunk = min(remaining, 1 << 20)
                f.write(b"\x00" * chunk)
                remaining -= chunk
        elif kind in CONTAINERS:
            _blank_boxes(f, pos + head_len, pos + size)
        pos += size


def _copy(upload, dest: Path, skip: int = 0, stop: int | None = None) -> None:
    upload.seek(skip)
    with open(dest, "wb") as out:
        if stop is None:
            shutil.copyfileobj(upload, out, 1 << 20)
        else:
            remaining = stop - skip
            while remaining > 0:
                chunk = upload.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                remaining -= len(chunk)


def _id3_bounds(upload, size: int) -> tuple[int, int]:
    """Where an MP3's sound starts and stops, past its ID3 tags (which may hold anything,
    a place included)."""
    upload.seek(0)
    head = upload.read(10)
    start = 0
    if head[:3] == b"ID3" and len(head) == 10:
        length = 0
        for byte in head[6:10]:
            length = (length << 7) | (byte & 0x7F)
        start = min(10 + length + (10 if head[5] & 0x10 else 0), size)
    stop = size
    if size - start >= 128:
        upload.seek(size - 128)
        if upload.read(3) == b"TAG":
            stop = size - 128
    return start, stop


def store_stream(upload, sniffed: Sniffed, dest: Path) -> Stored:
    """A video or a recording, copied with its metadata removed where it has any."""
    size = upload.size
    if sniffed.ext == "mp3":
        start, stop = _id3_bounds(upload, size)
        _copy(upload, dest, start, stop)
    else:
        _copy(upload, dest)
        if sniffed.ext in ("mp4", "mov", "m4a"):
            with open(dest, "r+b") as f:
                _blank_boxes(f, 0, dest.stat().st_size)
    digest = hashlib.sha256()
    with open(dest, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return Stored(
        content_type=sniffed.content_type, size=dest.stat().st_size, sha256=digest.hexdigest()
    )
