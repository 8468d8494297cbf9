"""The PHI regex fast paths (case-folded ASCII matching, gates) give exactly the results of the plain patterns."""

from __future__ import annotations

import random

import pytest

from medauto.engines.text import phi_patterns
from medauto.engines.text.phi_text import Caseless, Gate, PhiText, lower_source

CASELESS = {name: value for name, value in vars(phi_patterns).items() if isinstance(value, Caseless)} | {
    f"{group}[{i}]": pattern
    for group in ("DATE_PATTERNS", "AGE_PATTERNS")
    for i, (pattern, _) in enumerate(getattr(phi_patterns, group))
    if isinstance(pattern, Caseless)
}
SAMPLES = [
    "Seen MARCH 3, 2021 at 10:30 PM; DOB Jan 5th 1957. MRN: AB-123456, Acct # 99812. A 67 YEAR OLD man, aged 45.",
    "Call (217) 555-0134 EXT 12 or visit WWW.Example.ORG/path and https://MyChart.example.com/x?y=1.",
    "IP FE80::1ff:FE23:4567:890a; Policy NO. 4421-9931; Tuesday; she was 34. In HIS EARLY 50'S.",
    "Passport Number: X1234567; ID# 00123; Card ending in 4242; Turned 70 last week.",
    "A 3 WEEKS OLD infant, first seen AT AGE 45 on the 3RD OF MAY 2021, again in MARCH 2021; host 2001:DB8::FF00:42.",
]
_ALPHABET = "aAbBcdeEfmMnNoOpPrRsStTxXyY0123456789 :/.-#,()'"


def _fuzz(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(n))


def test_lower_source_keeps_escapes_and_group_names() -> None:
    assert lower_source(r"(?P<Value>\D\S\W\BAbc[A-Z])(?P=Value)") == r"(?P<Value>\D\S\W\Babc[a-z])(?P=Value)"


@pytest.mark.parametrize("name", sorted(CASELESS))
def test_caseless_matches_as_the_ignorecase_pattern(name: str) -> None:
    pattern = CASELESS[name]
    rng = random.Random(name)
    texts = SAMPLES + [_fuzz(rng, 80) for _ in range(300)]
    for text in texts:
        expected = [(m.span(), m.groupdict()) for m in pattern.full.finditer(text)]
        found = [m.span() for m in pattern.finditer(PhiText(text))]
        assert found == [span for span, _ in expected], text
    # Somewhere in the samples the fast path has to find something, or the comparison proves little.
    assert any(pattern.full.search(text) for text in texts)


def test_caseless_falls_back_on_non_ascii_text() -> None:
    pattern = Caseless(r"stra(?:ss|ß)e\s+\d+")
    text = "STRASSE 5 and Straße 7"
    assert [m.group() for m in pattern.finditer(PhiText(text))] == ["STRASSE 5", "Straße 7"]


def test_gate_only_skips_text_the_pattern_cannot_match() -> None:
    gate = Gate(r"(?:gade|vej)\.?[ \t]+\d")
    assert gate.passes(PhiText("Søndergade 52"))  # non-ASCII: always passes
    assert gate.passes(PhiText("Norregade 52"))
    assert gate.passes(PhiText("NORREGADE 52"))
    assert not gate.passes(PhiText("Hemoglobin 12.4 g/dL"))


GATED = {
    **{
        f"DATE_PATTERNS[{i}]": (pattern, gate)
        for i, ((pattern, _), gate) in enumerate(zip(phi_patterns.DATE_PATTERNS, phi_patterns.DATE_GATES, strict=True))
        if gate is not None
    },
    **{
        f"AGE_PATTERNS[{i}]": (pattern, gate)
        for i, ((pattern, _), gate) in enumerate(zip(phi_patterns.AGE_PATTERNS, phi_patterns.AGE_GATES, strict=True))
        if gate is not None
    },
    "CARD": (phi_patterns.CARD, phi_patterns._CARD_GATE),
    "SSN": (phi_patterns.SSN, phi_patterns._SSN_GATE),
    "IPV4": (phi_patterns.IPV4, phi_patterns._IPV4_GATE),
    "URL_BARE": (phi_patterns.URL_BARE, phi_patterns._URL_BARE_GATE),
}
GATE_SAMPLES = [
    "Seen 03/14/2024 and 14.03.24, again 2024/03/14; due 03/2024 at 10:30 am or 7 PM; Turned 70.",
    "Card 4111 1111 1111 1111, SSN 123-45-6789, host 192.168.1.20, site Example.ORG/path.",
    "A 3 WEEKS OLD baby, a 67 YEAR-OLD, a 45 Y/O man AT AGE 45; she was 34. In HIS EARLY 50'S.",
]
_GATE_ALPHABET = "0123456789 /.-:aApPmMyYoOlLdDsS'" + "ageturnwsi"


@pytest.mark.parametrize("name", sorted(GATED))
def test_gates_pass_wherever_their_pattern_matches(name: str) -> None:
    pattern, gate = GATED[name]
    rng = random.Random(name)
    texts = GATE_SAMPLES + ["".join(rng.choice(_GATE_ALPHABET) for _ in range(60)) for _ in range(2000)]
    matched = 0
    for text in texts:
        t = PhiText(text)
        found = pattern.search(t) if isinstance(pattern, Caseless) else pattern.search(text)
        if found:
            matched += 1
            assert gate.passes(t), text
    assert matched > 0
    assert not gate.passes(PhiText("Denies chest pain; takes aspirin daily."))
