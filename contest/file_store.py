"""The app's file store, from its configuration (UPLOAD_DIR). The media layer
takes a store as an argument and never reads the app itself."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from .media.storage import LocalStorage


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_DIR"])


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A private temporary folder for a pipeline's work, always removed."""
    with storage().scratch_dir() as path:
        yield path
