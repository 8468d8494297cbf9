"""``text.ner.llm.v1`` against a small OpenAI-compatible server on 127.0.0.1 (real HTTP), alone and inside a text
profile defined by a TOML settings file together with the CRF."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from medauto.config import load_settings
from medauto.engines import registry
from medauto.engines.openai_chat import ChatEndpoint
from medauto.engines.text.doc import Doc
from medauto.engines.text.llm_ner import NAME, LlmEntityRecognizer, locate, spans_for
from medauto.engines.text.pipeline import ClinicalTextPipeline
from medauto.engines.text.profiles import ENV_VAR, use_profiles


class FakeChat(BaseHTTPRequestHandler):
    """Answers every chat completion with ``reply`` (as the message content) after ``delay`` seconds."""

    requests: ClassVar[list[dict[str, Any]]] = []
    reply: ClassVar[dict[str, Any]] = {}
    status: ClassVar[int] = 200
    delay: ClassVar[float] = 0.0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        time.sleep(self.delay)
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": json.dumps(self.reply)}}]})
        try:
            self.send_response(self.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data.encode())
        except BrokenPipeError:
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    FakeChat.requests, FakeChat.status, FakeChat.delay, FakeChat.reply = [], 200, 0.0, {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_every_whole_word_occurrence_exact_case_first() -> None:
    text = "Asthma: asthma since 2010; no asthmatic crisis. ASTHMA again."
    assert locate(text, "asthma") == [(8, 14)]  # the exact spelling wins; "asthmatic" is not a whole word
    assert locate(text, "Asthma") == [(0, 6)]
    assert locate("ASTHMA and Asthma", "asthma") == [(0, 6), (11, 17)]  # no exact match: ignoring case
    assert locate("chest\n  pain", "chest pain") == [(0, 12)]
    assert locate("pain", "chest pain") == [] and locate("text", "   ") == []
    assert locate("s/p CABG (x3).", "CABG (x3)") == [(4, 13)]


def test_offsets_are_code_points_and_absent_mentions_dropped() -> None:
    text = "Patiënt 😀 nimmt Ibuprofen; ibuprofen half."
    spans = spans_for(
        text,
        [
            {"text": "ibuprofen", "type": "GENERIC_NAME"},
            {"text": "aspirin", "type": "GENERIC_NAME"},  # not in the text
            {"text": "Patiënt", "type": "NOT_A_TYPE"},
            "junk",
        ],
    )
    assert [(s.begin, s.end, s.text, s.label, s.source) for s in spans] == [
        (27, 36, "ibuprofen", "GENERIC_NAME", "llm")
    ]
    assert all(text[s.begin : s.end] == s.text for s in spans)
    both = spans_for(text, [{"text": "IBUPROFEN", "type": "BRAND_NAME"}])
    assert [(s.begin, s.text) for s in both] == [(16, "Ibuprofen"), (27, "ibuprofen")]


def test_recognizer_asks_for_the_schema_and_places_the_answer(endpoint: str) -> None:
    FakeChat.reply = {"entities": [{"text": "CT scan", "type": "TEST_NAME"}, {"text": "pneumonia", "type": "DX_NAME"}]}
    text = "CT scan of the chest showed pneumonia. Repeat CT scan in 6 weeks."
    spans = LlmEntityRecognizer(ChatEndpoint(endpoint, "tiny")).find(Doc(text))
    assert [(s.begin, s.end, s.label, s.category.value) for s in spans] == [
        (0, 7, "TEST_NAME", "TEST_TREATMENT_PROCEDURE"),
        (28, 37, "DX_NAME", "MEDICAL_CONDITION"),
        (46, 53, "TEST_NAME", "TEST_TREATMENT_PROCEDURE"),
    ]
    sent = FakeChat.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["messages"][1]["content"] == text
    schema = sent["body"]["response_format"]["json_schema"]["schema"]
    assert "DX_NAME" in schema["properties"]["entities"]["items"]["properties"]["type"]["enum"]


def test_errors_and_timeouts_give_no_spans(endpoint: str, caplog: pytest.LogCaptureFixture) -> None:
    doc = Doc("Fever and cough.")
    FakeChat.status = 500
    assert LlmEntityRecognizer(ChatEndpoint(endpoint)).find(doc) == []
    assert "HTTP 500" in caplog.text
    FakeChat.status, FakeChat.delay = 200, 1.0
    FakeChat.reply = {"entities": [{"text": "Fever", "type": "DX_NAME"}]}
    started = time.perf_counter()
    assert LlmEntityRecognizer(ChatEndpoint(endpoint, timeout=0.2)).find(doc) == []
    assert time.perf_counter() - started < 0.9
    FakeChat.delay, FakeChat.reply = 0.0, {"entities": "Fever"}
    assert LlmEntityRecognizer(ChatEndpoint(endpoint)).find(doc) == []


PROFILE_TOML = """
text_profile = "hybrid"

[text_profiles.hybrid]
model_version = "medauto-hybrid-1.0.0"
entity_recognizers = ["text.ner.crf.v1", "text.ner.llm.v1", "text.lexicon.v1"]
"""


def test_profile_from_configuration_runs_the_crf_and_the_llm(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "medauto.toml"
    config.write_text(PROFILE_TOML)
    settings = load_settings(str(config))
    monkeypatch.setenv(ENV_VAR, "{}")  # restored (removed) after the test
    monkeypatch.setenv("MEDAUTO_LLM_BASE_URL", endpoint)
    monkeypatch.delitem(registry._INSTANCES, NAME, raising=False)  # built again with this endpoint
    use_profiles(settings.text_profiles)
    # The rules and the CRF know no "tilt table test": only the LLM stage can have found it.
    FakeChat.reply = {"entities": [{"text": "tilt table test", "type": "TEST_NAME"}]}
    text = "He was admitted with pneumonia. A tilt table test was normal."
    pipeline = ClinicalTextPipeline.load(settings.text_profile)
    analysis = pipeline.entities(text)
    assert analysis.model_version == "medauto-hybrid-1.0.0"
    found = {(m.span.text, m.span.label, m.span.source) for m in analysis.mentions}
    assert ("tilt table test", "TEST_NAME", "llm") in found
    assert any(t == "pneumonia" and label == "DX_NAME" and source != "llm" for t, label, source in found)
    assert len(FakeChat.requests) == 1
    monkeypatch.delitem(registry._INSTANCES, NAME, raising=False)
