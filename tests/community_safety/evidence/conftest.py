"""An S3-compatible server of its own for the evidence store's tests: moto's standalone server, a
separate process on loopback, reached over real HTTP by boto3 as a council's object store would be."""

from __future__ import annotations

import pytest

from tests.stack import VENV_BIN, Process, free_port

ACCESS_KEY, SECRET_KEY = "evidence-test-key", "evidence-test-secret"


@pytest.fixture(scope="session")
def object_store_server(tmp_path_factory):
    port = free_port()
    process = Process(
        "moto", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], tmp_path_factory.mktemp("moto")
    )
    try:
        process.wait_until(f"http://127.0.0.1:{port}/moto-api/")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


@pytest.fixture
def bucket(object_store_server, request):
    """A fresh bucket on the server, named for the test."""
    import boto3

    name = "evidence-" + str(abs(hash(request.node.nodeid)))[:12]
    client = boto3.client(
        "s3",
        endpoint_url=object_store_server,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="eu-west-2",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return name
