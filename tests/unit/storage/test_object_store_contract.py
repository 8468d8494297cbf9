"""One contract for every ObjectStore: listing by prefix, atomic whole-object writes, name safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from medauto.storage.localfs import LocalFolderObjectStore
from medauto.storage.objects import AccessDenied, InMemoryObjectStore, InvalidName, NoSuchBucket, NoSuchKey, ObjectStore
from medauto.storage.s3 import S3ObjectStore
from tests.s3server import S3Server


@pytest.fixture(params=["memory", "local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        client = server.client()
        bucket = "notes"
        # A clean bucket per test: delete what earlier tests left.
        if any(b["Name"] == bucket for b in client.list_buckets().get("Buckets", [])):
            for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])
        else:
            client.create_bucket(Bucket=bucket)
        return S3ObjectStore(client=client)
    if request.param == "memory":
        mem = InMemoryObjectStore()
        mem.create_bucket("notes")
        return mem
    local = LocalFolderObjectStore(tmp_path / "buckets")
    local.create_bucket("notes")
    return local


def test_put_get_list_by_prefix(store: ObjectStore) -> None:
    store.put("notes", "in/b.txt", b"bee")
    store.put("notes", "in/a.txt", "ä".encode())
    store.put("notes", "in/sub/c.txt", b"c")
    store.put("notes", "other/d.txt", b"d")
    assert store.get("notes", "in/a.txt").decode() == "ä"
    assert [o.key for o in store.list("notes", "in/")] == ["in/a.txt", "in/b.txt", "in/sub/c.txt"]
    assert [o.key for o in store.list("notes", "in/s")] == ["in/sub/c.txt"]
    assert [o.key for o in store.list("notes", "i")] == ["in/a.txt", "in/b.txt", "in/sub/c.txt"]
    assert [(o.key, o.size) for o in store.list("notes", "in/b")] == [("in/b.txt", 3)]
    assert len(list(store.list("notes"))) == 4
    assert list(store.list("notes", "missing/")) == []
    store.put("notes", "in/b.txt", b"replaced")
    assert store.get("notes", "in/b.txt") == b"replaced"
    assert store.exists("notes", "in/b.txt") and not store.exists("notes", "in/zzz")


def test_errors(store: ObjectStore) -> None:
    with pytest.raises(NoSuchKey):
        store.get("notes", "nope.txt")
    with pytest.raises(NoSuchBucket):
        list(store.list("absent-bucket"))
    for key in ("../escape.txt", "a/../../etc/passwd", "/abs", "a/./b", ""):
        with pytest.raises(InvalidName):
            store.put("notes", key, b"x")
    assert not store.bucket_exists("Bad_Bucket")


def test_local_store_stays_inside_its_root(tmp_path: Path) -> None:
    store = LocalFolderObjectStore(tmp_path / "buckets")
    for bucket in ("..", "a", "UPPER", "x" * 64, "1.2.3.4", "a..b"):
        with pytest.raises(InvalidName):
            store.put(bucket, "k", b"x")
    store.put("new-bucket", "deep/key.txt", b"made on demand")
    assert (tmp_path / "buckets" / "new-bucket" / "deep" / "key.txt").read_bytes() == b"made on demand"
    # Unfinished writes are staged outside the buckets, and a bucket never shows a temporary file.
    (tmp_path / "buckets" / "new-bucket" / ".medauto-partial-123").write_bytes(b"half")
    assert [o.key for o in store.list("new-bucket")] == ["deep/key.txt"]
    assert not store.bucket_exists(".staging")
    assert not list((tmp_path).glob("escape*"))


def test_s3_credentials_are_enforced_and_mapped(s3_server: S3Server) -> None:
    store = S3ObjectStore(client=s3_server.client(secret="wrong"))
    with pytest.raises(AccessDenied):
        store.get("notes", "in/a.txt")


def test_s3_kms_writes_ask_for_sse_kms() -> None:
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stub = Stubber(client)
    expected = {
        "Bucket": "out",
        "Key": "k.out",
        "Body": b"x",
        "ContentType": "application/json",
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": "alias/medauto",
    }
    stub.add_response("put_object", {}, expected)
    with stub:
        S3ObjectStore(client=client).put(
            "out", "k.out", b"x", kms_key_id="alias/medauto", content_type="application/json"
        )
    stub.assert_no_pending_responses()
