"""The LLM engine against a tiny OpenAI-compatible server on 127.0.0.1 (real HTTP, no mocks)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medauto.engines.extraction.catalog import sample_blueprint
from medauto.engines.extraction.llm import LlmError, LlmExtractor

from .docs import RECEIPT, document


class FakeChat(BaseHTTPRequestHandler):
    requests: list = []
    reply: dict = {}
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": json.dumps(self.reply)}}]})
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    FakeChat.requests, FakeChat.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_schema_request_and_typed_answer(endpoint):
    FakeChat.reply = {"merchant_name": "BLUE HILL BAKERY SDN BHD", "total": "12.59", "transaction_date": "15-06-18",
                      "tax": None, "items": [{"description": "BREAD", "quantity": 2, "unit_price": 1.5,
                                              "amount": "3.00"}]}
    extractor = LlmExtractor.over_http(endpoint, "tiny", api_key="k1")
    result = extractor.extract(document(RECEIPT), sample_blueprint("receipt"))
    sent = FakeChat.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k1"
    fmt = sent["body"]["response_format"]
    assert fmt["type"] == "json_schema"
    schema = fmt["json_schema"]["schema"]
    assert schema["properties"]["total"]["type"] == ["number", "null"]
    assert schema["properties"]["items"]["items"]["properties"]["quantity"]["type"] == ["number", "null"]
    assert "BLUE HILL BAKERY" in sent["body"]["messages"][1]["content"]
    assert result.values["total"] == 12.59 and result.values["tax"] == ""
    assert result.values["items"] == [{"description": "BREAD", "quantity": 2.0, "unit_price": 1.5, "amount": 3.0}]
    located = result.leaf("merchant_name")
    assert located.page_index == 0 and located.box is not None and located.confidence > 0.7
    assert result.leaf("transaction_date").box is not None  # "15-06-18" is printed in "DATE: 15-06-18"


def test_endpoint_errors_are_llm_errors(endpoint):
    FakeChat.status = 500
    with pytest.raises(LlmError, match="HTTP 500"):
        LlmExtractor.over_http(endpoint, "tiny").extract(document(RECEIPT), sample_blueprint("receipt"))
    with pytest.raises(LlmError, match="failed"):
        closed = LlmExtractor.over_http("http://127.0.0.1:9/v1", "tiny", timeout=2)
        closed.extract(document(RECEIPT), sample_blueprint("receipt"))
