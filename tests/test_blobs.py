"""The blob store that keeps ingested originals: the data dir by default, an S3 bucket (moto's
server over HTTP on 127.0.0.1 here) when several app servers share one."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import boto3
import pytest

from learnplat.core import Core
from learnplat.errors import ConfigError, LearnplatError
from learnplat.services.originals import Originals
from learnplat.settings import load_settings
from learnplat.store.blobs import (
    TEMP_PREFIX,
    BlobStore,
    BlobStoreError,
    LocalBlobStore,
    S3BlobStore,
    check_key,
    open_blob_store,
)

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


@pytest.fixture
def s3(moto_url: str, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket on moto's server, reached through the standard endpoint setting."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    name = f"learnplat-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1").create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "data")
    bucket = request.getfixturevalue("s3")
    return S3BlobStore(bucket, "learnplat")


def test_a_blob_is_put_once_read_listed_and_deleted(blobs: BlobStore) -> None:
    key = "originals/ab/abc.pdf"
    assert not blobs.exists(key)
    blobs.put(key, b"%PDF-1.7 first")
    blobs.put(key, b"%PDF-1.7 second")  # already there: kept as it was (same key, same bytes)
    assert blobs.exists(key) and blobs.get(key) == b"%PDF-1.7 first"
    blobs.put("originals/cd/cde.md", b"# notes")
    blobs.put("audio/x.wav", b"RIFF")
    listed = blobs.list("originals/")
    assert [(blob.key, blob.size) for blob in listed] == [
        ("originals/ab/abc.pdf", 14),
        ("originals/cd/cde.md", 7),
    ]
    blobs.delete(key)
    blobs.delete(key)  # nothing there: nothing happens
    assert not blobs.exists(key)
    with pytest.raises(BlobStoreError) as missing:
        blobs.get(key)
    assert missing.value.kind == "missing"


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/x", "a//b", "a/./b", "a/b c", "", "a/"])
def test_keys_that_could_leave_the_store_are_refused(blobs: BlobStore, key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        blobs.put(key, b"x")


def test_a_local_blob_is_private_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "data")
    store.put("originals/ab/abc.pdf", b"secret")
    path = tmp_path / "data" / "originals" / "ab" / "abc.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in path.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert store.local_path("originals/ab/abc.pdf") == path


@pytest.mark.parametrize(
    "setting", ["s3://", "s3://Bad_Bucket", "s3://ok-bucket/../x", "ftp://host/x", "dropbox"]
)
def test_a_blob_store_setting_that_names_no_store_is_refused_plainly(
    setting: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        open_blob_store(setting, tmp_path)
    assert "s3://" in (caught.value.hint or "")


def _core(home: Path, bucket: str, database_url: str = "") -> Core:
    return Core(
        load_settings(
            {
                "data_dir": home,
                "user": "ana",
                "blob_store": f"s3://{bucket}/lp",
                "database_url": database_url,
            }
        )
    )


def test_cores_sharing_a_bucket_open_each_others_originals(
    s3: str, tmp_path: Path, database_url: str
) -> None:
    # Two servers' Cores: on SQLite they share the data dir's database file; on PostgreSQL
    # they share the server and nothing on disk (a data dir each, as on two machines).
    home = tmp_path / "home"
    other = home if not database_url else tmp_path / "other"
    with _core(home, s3, database_url) as first, _core(other, s3, database_url) as second:
        added = first.session("ana").library.ingest(SAMPLE_MD)
        assert added.status == "added" and added.document is not None
        doc_id = added.document.id
        assert str(added.document.stored_path).startswith(f"s3://{s3}/lp/originals/")
        # The other server finds the document and opens its original from the bucket.
        library = second.session("ana").library
        assert library.original(doc_id) == SAMPLE_MD.read_bytes()
        answer = second.session("ana").learning.ask("What do light reactions make?")
        assert answer.citations and answer.citations[0].doc_id == doc_id
        assert library.original(answer.citations[0].doc_id) == SAMPLE_MD.read_bytes()
        # Nothing went to the local disk, and removing the document removes the object.
        assert not (home / "originals").exists() and not (other / "originals").exists()
        library.remove(doc_id)
        objects = boto3.client("s3").list_objects_v2(Bucket=s3).get("Contents", [])
        assert objects == []


def test_doctor_sweeps_orphans_in_the_bucket(s3: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with _core(home, s3) as core:
        library = core.session("ana").library
        library.ingest(SAMPLE_MD)
        orphan = "originals/ff/" + "f" * 64 + ".pdf"
        core.blobs.put(orphan, b"%PDF left by a kill -9")
        originals = Originals(core.library_store, core.blobs)
        assert originals.orphans(grace_s=3600).young == 1  # too fresh to take
        swept = originals.sweep(grace_s=0)
        assert swept.old == (orphan,) and swept.files == 2
        assert not core.blobs.exists(orphan)
        assert len(core.blobs.list("originals/")) == 1  # the document's own copy stays


def test_an_unreachable_bucket_fails_the_ingest_plainly_and_adds_nothing(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with _core(tmp_path / "home", "no-such-server") as core:
        library = core.session("ana").library
        result = library.ingest_many([SAMPLE_MD])[0]
        assert result.status == "failed" and isinstance(result.error, LearnplatError)
        assert "cannot reach" in result.error.message
        assert library.documents() == []


def test_the_default_keeps_originals_in_the_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Core(load_settings({"data_dir": home, "user": "ana"})) as core:
        added = core.session("ana").library.ingest(SAMPLE_MD)
        assert added.document is not None
        assert Path(added.document.stored_path).is_relative_to(home / "originals")
        assert core.session("ana").library.original(added.document.id) == SAMPLE_MD.read_bytes()
    assert os.listdir(home / "originals")
