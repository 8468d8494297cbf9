"""``medauto eval`` measures the NER model of the profile it is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from medauto.cli import main
from medauto.engines.text.evaluate import run_suites

SENTENCES = [
    [("Cisplatin", "O"), ("-", "O"), ("induced", "O"), ("nephrotoxicity", "B-Disease"), (".", "O")],
    [("Patients", "O"), ("with", "O"), ("Huntington", "B-Disease"), ("disease", "I-Disease"), ("died", "O")],
]


def _data(tmp_path: Path) -> Path:
    iob = tmp_path / "ncbi-disease" / "iob"
    iob.mkdir(parents=True)
    lines = ["\n".join(f"{token}\t{tag}" for token, tag in sentence) + "\n" for sentence in SENTENCES]
    (iob / "devel.tsv").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("profile", "model"), [("fast", "text.ner.crf.v1"), ("accurate", "text.ner.crf.accurate.v1")])
def test_eval_scores_the_profiles_model(tmp_path: Path, profile: str, model: str) -> None:
    lines: list[str] = []
    report = run_suites(_data(tmp_path), ["ncbi-disease"], echo=lines.append, profile=profile)
    suite = report["suites"]["ncbi-disease"]
    assert report["text_profile"] == profile
    assert suite["model"] == model
    assert suite["exact"]["ALL"]["tp"] + suite["exact"]["ALL"]["fn"] == 2  # every gold mention counted
    assert suite["exact"]["ALL"]["tp"] >= 2  # nephrotoxicity, Huntington disease
    assert model in lines[0]


def test_eval_rejects_an_unknown_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "ncbi-disease", "--data", str(_data(tmp_path)), "--text-profile", "huge"])
    assert code == 2
    assert "unknown text profile 'huge'" in capsys.readouterr().err


def test_eval_knows_profiles_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from medauto.engines.text.profiles import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)  # restored after the test: eval publishes profiles there
    config = tmp_path / "medauto.toml"
    config.write_text('[text_profiles.mine]\nmodel_version = "mine-1"\nbase = "accurate"\n')
    out = tmp_path / "report.json"
    args = ["eval", "ncbi-disease", "--data", str(_data(tmp_path)), "--text-profile", "mine", "--out", str(out)]
    assert main([*args, "--config", str(config)]) == 0
    import json

    report = json.loads(out.read_text())
    assert report["text_profile"] == "mine"
    assert report["suites"]["ncbi-disease"]["model"] == "text.ner.crf.accurate.v1"
