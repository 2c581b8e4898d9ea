"""The one storage interface. Files live under generated keys, never under the
name the user gave them, outside static/. Local disk by default; an
S3-compatible store can implement the same four methods. The app's store is
handed out by contest/file_store.py: this module reads no app config."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 256 * 1024  # measured faster than 1 MB for a 1 GB copy on this kind of machine


class TooLarge(Exception):
    """The stream went past the size allowed; nothing was kept."""


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


class Spool:
    """Where the request parser writes an uploaded file: a temporary file in
    the storage's own folder, hashed as it is written. A file that passes its
    checks is then moved into place (a rename, not a second copy); one that
    does not is deleted when the request closes it."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, suffix=".upload")
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._digest = hashlib.sha256()
        self.size = 0
        self.adopted = False

    def write(self, data) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._file.write(data)

    def read(self, n: int = -1) -> bytes:
        return self._file.read(n)

    def readline(self, limit: int = -1) -> bytes:
        return self._file.readline(limit)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        self._file.flush()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._file.closed

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if not self.adopted:
            self.path.unlink(missing_ok=True)

    def __iter__(self):
        return iter(self._file)


def new_key(prefix: str, suffix: str = "") -> str:
    # Two levels of fan-out keep directories small at 100,000s of files.
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}{suffix}"


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the storage root")
        return path

    def save_stream(self, stream: BinaryIO, key: str, max_bytes: int | None = None) -> Stored:
        """Copy a stream in chunks while hashing it; over max_bytes, delete and raise."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        partial = target.with_name(target.name + ".part")
        try:
            with partial.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(size)
                    digest.update(chunk)
                    out.write(chunk)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return Stored(key, size, digest.hexdigest())

    def adopt(self, spool: Spool, key: str, max_bytes: int | None = None) -> Stored:
        """Move a finished upload into place under `key` without copying it."""
        if max_bytes is not None and spool.size > max_bytes:
            raise TooLarge(spool.size)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        spool.flush()
        os.replace(spool.path, target)
        spool.adopted = True
        return Stored(key, spool.size, spool.sha256)

    def spool(self) -> Spool:
        return Spool(self.root / "tmp")

    def save_bytes(self, data: bytes, key: str) -> Stored:
        return self.save_stream(io.BytesIO(data), key)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    @contextmanager
    def scratch_dir(self) -> Iterator[Path]:
        """A private temporary folder for a pipeline's work, always removed."""
        base = self.root / "tmp"
        base.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=base))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
