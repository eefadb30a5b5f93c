"""The backup file's encryption: authenticated (AES-256-GCM), streamed in 1 MiB chunks, so a
database of any size passes through in constant memory and no byte can be changed, removed,
reordered or cut off the end without decryption failing.

The file:

    header  = MAGIC (8 bytes) | salt (16) | key check (16) | nonce prefix (7)
    chunks  = AES-GCM(chunk i) for i = 0.., each CHUNK bytes of plain text + a 16-byte tag;
              the last one shorter (possibly empty: a tag only)

Each chunk's nonce is the prefix, its number (4 bytes) and a last-chunk flag (1 byte): the
"STREAM" construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015). The number stops chunks
being swapped; the flag stops a file cut at a chunk boundary passing as whole. The header is
the associated data of every chunk, so it cannot be changed either.

The key: SENDESK_BACKUP_KEY is a passphrase (make it with `secrets.token_urlsafe(32)`), so
each file's key is derived from it and the file's own random salt with scrypt, which makes
guessing a weak passphrase slow. The same derivation gives a 16-byte key check kept in the
header: a file made with another key is then told apart ("wrong key") from a file that was
damaged or changed ("the check of chunk n failed"), which AES-GCM alone cannot do."""

import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SDBKUP01"
SALT_BYTES = 16
CHECK_BYTES = 16
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES + PREFIX_BYTES
CHUNK = 1024 * 1024
TAG = 16
# scrypt's cost: about 50 ms and 16 MB once a file, not per chunk.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_KEY_CHARS = 16
KEY_ENV = "SENDESK_BACKUP_KEY"


class BackupError(Exception):
    """Something a person running the command must be told, in words (never a traceback)."""


def key_from_env() -> str:
    key = os.environ.get(KEY_ENV, "")
    if not key:
        raise BackupError(
            f"{KEY_ENV} is not set: backups are always encrypted, so there is nothing to do "
            'without the key. Make one with `python3 -c "import secrets; '
            'print(secrets.token_urlsafe(32))"`, keep it in a password manager away from the '
            f"backups, and set {KEY_ENV} to it."
        )
    if len(key) < MIN_KEY_CHARS:
        raise BackupError(
            f"{KEY_ENV} is too short ({len(key)} characters; at least {MIN_KEY_CHARS}): "
            "a short passphrase can be guessed from a stolen backup."
        )
    return key


def _derive(key: str, salt: bytes) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=32 + CHECK_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    derived = material.derive(key.encode())
    return derived[:32], derived[32:]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= 2**32:
        raise BackupError("The backup is too large for one file (over 4 PiB).")
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class EncryptingWriter:
    """A file-like writer: plain text in, the encrypted file out to `dest`. close() writes
    the last chunk; without it the file is incomplete and will not decrypt."""

    def __init__(self, dest: BinaryIO, key: str):
        salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
        file_key, check = _derive(key, salt)
        self.header = MAGIC + salt + check + prefix
        self.aead = AESGCM(file_key)
        self.prefix = prefix
        self.dest = dest
        self.buffer = bytearray()
        self.number = 0
        self.closed = False
        dest.write(self.header)

    def _emit(self, data: bytes, last: bool) -> None:
        nonce = _nonce(self.prefix, self.number, last)
        self.dest.write(self.aead.encrypt(nonce, bytes(data), self.header))
        self.number += 1

    def write(self, data: bytes) -> int:
        self.buffer += data
        # A chunk goes out only when more follows it, so the last one is always the one
        # close() writes, flagged as last.
        while len(self.buffer) > CHUNK:
            self._emit(self.buffer[:CHUNK], last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._emit(self.buffer, last=True)
            self.buffer = bytearray()
            self.closed = True


def decrypt(source: BinaryIO, key: str, dest: BinaryIO, name: str = "the backup") -> None:
    """Write the plain text of the encrypted `source` to `dest` (a chunk at a time). A wrong
    key, a changed byte, a missing or extra chunk, a file cut short: BackupError, and what
    was written to `dest` so far must be thrown away."""
    header = source.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise BackupError(f"{name} is not a SENDesk backup (it does not start as one).")
    at = len(MAGIC)
    salt = header[at : at + SALT_BYTES]
    check = header[at + SALT_BYTES : at + SALT_BYTES + CHECK_BYTES]
    prefix = header[HEADER_BYTES - PREFIX_BYTES :]
    file_key, expected = _derive(key, salt)
    if not hmac.compare_digest(check, expected):
        raise BackupError(
            f"Wrong key: {name} was not made with this {KEY_ENV} (or its header was changed)."
        )
    aead = AESGCM(file_key)
    number = 0
    block = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG) if len(block) == CHUNK + TAG else b""
        last = not following
        try:
            dest.write(aead.decrypt(_nonce(prefix, number, last), block, header))
        except InvalidTag:
            raise BackupError(
                f"{name} is damaged or was changed: part {number + 1} does not pass its "
                "check (a byte changed, or the file was cut short). Nothing was restored."
            ) from None
        if last:
            return
        block, number = following, number + 1
