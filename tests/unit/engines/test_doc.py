"""Doc: the token columns every stage reads agree with the tokenizer regex and with each other."""

from __future__ import annotations

import pytest

from medauto.engines.text.doc import _TOKEN, Doc

TEXTS = [
    "",
    "   \n\n ",
    "Pt c/o chest pain 🙂 since yesterday; hx of DM2 — on metformin 500 mg BID.\n\n- Plan: f/u in 2 wks.",
    "Parkinson's disease, Crohn\u2019s disease, naïve café 5 µg, \u0130V push, x\x00y, 1,000.5 mg, a  b\t\tc",
    "aaa aa a aaa. Aaa! 12 1 12.5 2.5.5 '' ' x' y'",
]


@pytest.mark.parametrize("text", TEXTS)
def test_token_columns_match_the_tokenizer(text: str) -> None:
    doc = Doc(text)
    matches = list(_TOKEN.finditer(text))
    assert doc.words == [m.group() for m in matches]
    assert doc.begins == [m.start() for m in matches]
    assert doc.ends == [m.end() for m in matches]
    assert doc.lowers == [m.group().lower() for m in matches]
    assert [(t.begin, t.end, t.text) for t in doc.tokens] == [(m.start(), m.end(), m.group()) for m in matches]
    assert doc.is_word == [m.group()[0].isalnum() for m in matches]
    assert doc.words_before == [sum(doc.is_word[:i]) for i in range(len(matches) + 1)]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_token_ranges(text: str) -> None:
    doc = Doc(text)
    assert doc.sentence_begins == [b for b, _ in doc.sentences]
    k = 0
    for (_, end), (first, stop) in zip(doc.sentences, doc.sentence_tokens, strict=True):
        assert first == k
        assert all(b < end for b in doc.begins[first:stop])
        assert stop == len(doc.begins) or doc.begins[stop] >= end
        k = stop
    for b, e in doc.sentences:
        assert doc.sentence_of(b) == (b, e)
        assert doc.sentence_of(e - 1) == (b, e)
    assert doc.sentence_of(len(text) + 5) == (0, len(text))
