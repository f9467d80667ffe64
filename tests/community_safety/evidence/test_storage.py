"""Both evidence stores keep, give back, list and delete the same way: a folder under DATA_DIR, and
an S3-compatible object store (a real server on loopback)."""

from __future__ import annotations

import datetime as dt

import pytest

from community_safety.evidence.storage import EvidenceStoreError, FolderStore, ObjectStore, evidence_store
from community_safety.settings import settings
from tests.community_safety.evidence.conftest import ACCESS_KEY, SECRET_KEY

KEY = "0123456789abcdef0123456789abcdef/file.jpg"


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path, environment):
    if request.param == "folder":
        environment(DATA_DIR=str(tmp_path), EVIDENCE_STORE="folder")
    else:
        environment(
            DATA_DIR=str(tmp_path),
            EVIDENCE_STORE="s3",
            EVIDENCE_S3_ENDPOINT=request.getfixturevalue("object_store_server"),
            EVIDENCE_S3_BUCKET=request.getfixturevalue("bucket"),
            EVIDENCE_S3_ACCESS_KEY=ACCESS_KEY,
            EVIDENCE_S3_SECRET_KEY=SECRET_KEY,
        )
    return evidence_store(settings())


def test_a_file_is_kept_given_back_listed_and_deleted(store):
    assert isinstance(store, (FolderStore, ObjectStore))
    assert not store.exists(KEY)
    store.put(KEY, b"\xff\xd8 a photo", "image/jpeg")
    assert store.exists(KEY) and store.get(KEY) == b"\xff\xd8 a photo"
    [(key, written)] = list(store.listing())
    assert key == KEY and abs(written - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) < dt.timedelta(minutes=5)
    store.delete(KEY)
    assert not store.exists(KEY) and list(store.listing()) == []
    with pytest.raises(EvidenceStoreError):
        store.get(KEY)


def test_a_key_is_only_ever_one_the_intake_made(store):
    for key in ("../../etc/passwd", "abc/file.jpg", f"{'0' * 32}/../x.jpg", ""):
        with pytest.raises(ValueError):
            store.put(key, b"x", "image/jpeg")


def test_the_folder_is_for_this_service_alone(tmp_path):
    store = FolderStore(tmp_path / "evidence")
    store.put(KEY, b"x", "image/jpeg")
    assert (tmp_path / "evidence" / KEY).stat().st_mode & 0o077 == 0


def test_an_unreachable_object_store_is_an_error_not_a_loss(environment, tmp_path):
    from community_safety.evidence.storage import ObjectStore

    store = ObjectStore("http://127.0.0.1:9", "nowhere", ACCESS_KEY, SECRET_KEY, "eu-west-2")
    with pytest.raises(EvidenceStoreError):
        store.put(KEY, b"x", "image/jpeg")


def test_s3_needs_a_bucket_and_an_encrypted_address(environment):
    from community_safety.settings import Settings

    with pytest.raises(ValueError, match="EVIDENCE_S3_BUCKET"):
        Settings(evidence_store="s3")
    with pytest.raises(ValueError, match="https"):
        Settings(evidence_store="s3", evidence_s3_bucket="b", evidence_s3_endpoint="http://store.example")
