"""boto3 clients for tests, including one that speaks Smithy RPC v2 CBOR to Comprehend Medical.

botocore 1.44.5 prefers awsJson for Comprehend Medical; other SDKs may prefer CBOR. To drive the CBOR codec
with botocore's own serializer and parser, we load a copy of the model that lists only CBOR.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.config import Config


def _cbor_only_model_dir(root: Path) -> Path:
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    model = copy.deepcopy(loader.load_service_model("comprehendmedical", "service-2"))
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    version = model["metadata"]["apiVersion"]
    target = root / "comprehendmedical" / version
    target.mkdir(parents=True, exist_ok=True)
    (target / "service-2.json").write_text(json.dumps(model))
    return root


def client(
    url: str,
    service: str,
    *,
    key: str = "test",
    secret: str = "test",
    cbor_models: Path | None = None,
    **config: Any,
) -> Any:
    session = botocore.session.Session()
    if cbor_models is not None:
        session.get_component("data_loader").search_paths.insert(0, str(_cbor_only_model_dir(cbor_models)))
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"}, **config)
    return boto3.Session(botocore_session=session).client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=cfg,
    )
