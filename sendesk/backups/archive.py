"""What is inside the encrypted file, and where the files live.

The plain text (encrypted as a whole by sendesk.backups.crypto) is a manifest and then the
payload:

    4-byte length | manifest (JSON) | payload

The manifest says what the payload is (`"payload"`: "sqlite3+zlib", SQLite's own file
compressed, or "pg_dump-custom", pg_dump's custom format, compressed by pg_dump), when it
was made, and every table's row count in the same consistent snapshot as the payload, which
restore checks the restored copy against."""

import datetime as dt
import json
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .crypto import BackupError

FORMAT = 1
SUFFIX = ".backup"
# sendesk-20261130T020000Z.backup, or -2, -3 ... when two are made in one second.
NAME = re.compile(r"^sendesk-(\d{8}T\d{6}Z)(?:-(\d+))?\.backup$")
PRE_RESTORE = "pre-restore-"
MAX_MANIFEST = 16 * 1024 * 1024


def manifest_bytes(manifest: dict) -> bytes:
    body = json.dumps(manifest, sort_keys=True).encode()
    return struct.pack(">I", len(body)) + body


def new_path(directory: Path, when: dt.datetime, prefix: str = "") -> Path:
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = directory / f"{prefix}sendesk-{stamp}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = directory / f"{prefix}sendesk-{stamp}-{n}{SUFFIX}"
    return path


def rotation_set(directory: Path) -> list[Path]:
    """The backups rotation counts, oldest first. The copies restore makes before replacing
    the live database (pre-restore-...) are not among them: they go only by hand."""
    found = []
    for path in directory.iterdir() if directory.is_dir() else []:
        if match := NAME.match(path.name):
            found.append(((match[1], int(match[2] or 1)), path))
    return [path for _key, path in sorted(found)]


def rotate(directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest backups; the ones removed, oldest first."""
    backups = rotation_set(directory)
    gone = backups[: max(len(backups) - keep, 0)]
    for path in gone:
        path.unlink()
    return gone


@dataclass
class Sink:
    """Plain text in (as crypto.decrypt writes it): the manifest is read off the front and
    handed to `opened(manifest)`, which returns the writer the payload then goes to."""

    opened: object
    head: bytearray = None
    manifest: dict = None
    payload: object = None

    def write(self, data: bytes) -> int:
        if self.payload is not None:
            self.payload.write(data)
            return len(data)
        self.head = (self.head or bytearray()) + data
        if len(self.head) < 4:
            return len(data)
        (length,) = struct.unpack(">I", self.head[:4])
        if length > MAX_MANIFEST:
            raise BackupError("The backup's contents are not in the expected form.")
        if len(self.head) < 4 + length:
            return len(data)
        try:
            self.manifest = json.loads(self.head[4 : 4 + length])
        except ValueError:
            raise BackupError("The backup's contents are not in the expected form.") from None
        if self.manifest.get("format") != FORMAT:
            raise BackupError(
                f"The backup is of format {self.manifest.get('format')!r}; this version of "
                f"SENDesk reads format {FORMAT}."
            )
        self.payload = self.opened(self.manifest)
        rest = bytes(self.head[4 + length :])
        self.head = None
        if rest:
            self.payload.write(rest)
        return len(data)


class Compressing:
    """zlib on the way to `dest` (SQLite's file compresses to about a quarter)."""

    def __init__(self, dest):
        self.dest, self.z = dest, zlib.compressobj(6)

    def write(self, data: bytes) -> int:
        self.dest.write(self.z.compress(data))
        return len(data)

    def close(self) -> None:
        self.dest.write(self.z.flush())


class Decompressing:
    def __init__(self, dest):
        self.dest, self.z = dest, zlib.decompressobj()

    def write(self, data: bytes) -> int:
        # At most 1 MiB of output at a time, whatever the ratio (a crafted payload cannot
        # make one write allocate gigabytes).
        chunk = self.z.decompress(data, 1024 * 1024)
        while chunk:
            self.dest.write(chunk)
            chunk = self.z.decompress(self.z.unconsumed_tail, 1024 * 1024)
        return len(data)

    def close(self) -> None:
        if not self.z.eof:
            raise BackupError("The backup's database copy ends early.")
