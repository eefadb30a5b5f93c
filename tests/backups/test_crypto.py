"""The backup file's encryption on its own (no database): whole files come back; a wrong key,
a changed byte, swapped or missing chunks, a file cut short are each refused by name."""

import io
import os

import pytest

from sendesk.backups import crypto
from sendesk.backups.crypto import BackupError, EncryptingWriter, decrypt

KEY = "a-test-key-made-by-the-project-for-its-tests"


@pytest.fixture
def small_chunks(monkeypatch):
    # Chunks of 64 bytes, so a few hundred bytes make many chunks.
    monkeypatch.setattr(crypto, "CHUNK", 64)


def encrypt(data: bytes, key=KEY, pieces=7) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key)
    for start in range(0, len(data), pieces):
        writer.write(data[start : start + pieces])
    writer.close()
    return out.getvalue()


def plain(blob: bytes, key=KEY) -> bytes:
    out = io.BytesIO()
    decrypt(io.BytesIO(blob), key, out)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 129, 1000])
def test_round_trip_at_every_chunk_edge(small_chunks, size):
    data = os.urandom(size)
    blob = encrypt(data)
    assert blob.startswith(crypto.MAGIC)
    assert plain(blob) == data
    # Every chunk is the plain text's length plus a tag: nothing in clear.
    chunks = max(1, -(-size // 64))
    assert len(blob) == crypto.HEADER_BYTES + size + 16 * chunks


def test_the_text_is_not_in_the_file(small_chunks):
    data = b"Pupil: Ben Brown, UPN A123456789012. " * 20
    blob = encrypt(data)
    assert b"Ben Brown" not in blob
    # Two files of the same text differ (their own salt and nonces).
    assert encrypt(data)[crypto.HEADER_BYTES :] != blob[crypto.HEADER_BYTES :]


def test_a_wrong_key_is_told_apart_from_damage(small_chunks):
    blob = encrypt(b"x" * 300)
    with pytest.raises(BackupError, match="Wrong key"):
        plain(blob, key="another-key-of-enough-length")


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte",
        "cut at a chunk edge",
        "cut mid-chunk",
        "swap two chunks",
        "drop a chunk",
        "add a chunk",
    ],
)
def test_damage_is_refused(small_chunks, damage):
    blob = encrypt(bytes(range(256)) * 2)  # 512 bytes: 8 full chunks, the last flagged
    head, body = blob[: crypto.HEADER_BYTES], blob[crypto.HEADER_BYTES :]
    size = 64 + 16
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    assert len(parts) == 8
    if damage == "flip a byte":
        changed = bytearray(blob)
        changed[crypto.HEADER_BYTES + 100] ^= 1
        blob = bytes(changed)
    elif damage == "cut at a chunk edge":
        blob = head + b"".join(parts[:4])
    elif damage == "cut mid-chunk":
        blob = blob[:-30]
    elif damage == "swap two chunks":
        parts[1], parts[2] = parts[2], parts[1]
        blob = head + b"".join(parts)
    elif damage == "drop a chunk":
        blob = head + b"".join(parts[:3] + parts[4:])
    else:
        blob = head + b"".join(parts[:7] + [parts[6]] + parts[7:])
    with pytest.raises(BackupError, match="damaged or was changed"):
        plain(blob)


def test_not_a_backup_at_all():
    with pytest.raises(BackupError, match="not a SENDesk backup"):
        plain(b"SQLite format 3\x00" + b"\x00" * 100)


def test_the_key_must_be_set_and_long_enough(monkeypatch):
    monkeypatch.delenv(crypto.KEY_ENV, raising=False)
    with pytest.raises(BackupError, match="SENDESK_BACKUP_KEY is not set"):
        crypto.key_from_env()
    monkeypatch.setenv(crypto.KEY_ENV, "short")
    with pytest.raises(BackupError, match="too short"):
        crypto.key_from_env()
    monkeypatch.setenv(crypto.KEY_ENV, KEY)
    assert crypto.key_from_env() == KEY
