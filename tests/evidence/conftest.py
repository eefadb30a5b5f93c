import datetime as dt
import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from sendesk.consent.models import Consent
from sendesk.provision.models import Session, SessionPupil

from ..world import TODAY


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """Each test keeps its files in its own folder (never the real var/)."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


def gps_jpeg(size=(640, 480), colour=(200, 90, 40)) -> bytes:
    """A photo as a phone writes it: EXIF with the GPS position and the camera's make."""
    picture = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 40.1)
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as im:
        return bool(im.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


# A phone's MP4 as far as these tests need: ftyp, moov with the position in udta/©xyz,
# then the media data.
XYZ = b"+51.5034-000.1276/"


def located_mp4() -> bytes:
    udta = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(XYZ), 0x15C7) + XYZ))
    moov = box(
        b"moov", box(b"mvhd", b"\x00" * 100) + box(b"trak", box(b"tkhd", b"\x00" * 84)) + udta
    )
    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + box(b"mdat", b"\x01" * 500)


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def give_consent(world, pupil, on=None, decision="given"):
    return Consent.objects.create(
        pupil=pupil, school_id=pupil.school_id, kind="photos", decision=decision,
        on=on or TODAY, given_by_name="Pat Parent", recorded_by=world.senco,
        recorded_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def ben_session(world):
    """A Talk Boost session Alice delivered to Ben today."""
    session = Session.objects.create(
        school=world.school, provision=world.talk, date=TODAY, minutes=30, delivered=True,
        delivered_by=world.alice, recorded_by=world.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    SessionPupil.objects.create(
        session=session, pupil=world.ben, provision=world.talk, attendance="present",
        date=TODAY, minutes=30,
    )  # fmt: skip
    return session


YESTERDAY = TODAY - dt.timedelta(days=1)
