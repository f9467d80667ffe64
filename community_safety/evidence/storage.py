"""Where cleaned evidence files are kept: a folder under ``DATA_DIR`` (one machine, the default) or
an S3-compatible object store (the production profile, several hosts).

Both take the same keys (``<evidence id>/file.<ext>``, ``<evidence id>/thumbnail.jpg``), made by the
intake from random ids, never from anything the resident sent. A file is written completely before
``put`` returns, so a resident is told "received" only once it is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from community_safety.settings import Settings, secret

_KEY = re.compile(r"^[a-f0-9]{32}/[a-z0-9]+\.[a-z0-9]+$")


class EvidenceStoreError(RuntimeError):
    """The store could not keep or give back a file (disk full, object store unreachable)."""


def checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not an evidence key: {key!r}")
    return key


class EvidenceStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def listing(self) -> Iterator[tuple[str, dt.datetime]]:
        """Every kept key and when it was written (UTC, naive), for the sweep."""
        ...


class FolderStore:
    """Files under one folder, readable by this service's user only."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, draft = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(draft, path)
            finally:
                Path(draft).unlink(missing_ok=True)
        except OSError as error:
            raise EvidenceStoreError(f"could not keep an evidence file ({error.strerror})") from None

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError as error:
            raise EvidenceStoreError(f"could not read an evidence file ({error.strerror})") from None

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the folder still holds the thumbnail, or is gone already
            path.parent.rmdir()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def listing(self) -> Iterator[tuple[str, dt.datetime]]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("*/*"):
            key = f"{path.parent.name}/{path.name}"
            if _KEY.match(key):
                yield key, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)


class ObjectStore:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph …), reached with boto3."""

    def __init__(self, endpoint: str | None, bucket: str, access_key: str | None, secret_key: str | None, region: str):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self._client = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=checked_key(key),
                Body=data,
                ContentType=content_type,
                ServerSideEncryption="AES256",
            )
        except (BotoCoreError, ClientError) as error:
            raise EvidenceStoreError(f"could not keep an evidence file ({type(error).__name__})") from None

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._client.get_object(Bucket=self.bucket, Key=checked_key(key))["Body"].read()
        except (BotoCoreError, ClientError) as error:
            raise EvidenceStoreError(f"could not read an evidence file ({type(error).__name__})") from None

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.delete_object(Bucket=self.bucket, Key=checked_key(key))
        except (BotoCoreError, ClientError) as error:
            raise EvidenceStoreError(f"could not delete an evidence file ({type(error).__name__})") from None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.bucket, Key=checked_key(key))
            return True
        except ClientError:
            return False

    def listing(self) -> Iterator[tuple[str, dt.datetime]]:
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                if _KEY.match(item["Key"]):
                    yield item["Key"], item["LastModified"].astimezone(dt.timezone.utc).replace(tzinfo=None)


def evidence_store(config: Settings) -> EvidenceStore:
    """The store the settings name: ``EVIDENCE_STORE=folder`` (under DATA_DIR) or ``s3``."""
    if config.evidence_store == "s3":
        return ObjectStore(
            config.evidence_s3_endpoint,
            config.evidence_s3_bucket,
            secret(config.evidence_s3_access_key),
            secret(config.evidence_s3_secret_key),
            config.evidence_s3_region,
        )
    return FolderStore(config.data_dir / "evidence")
