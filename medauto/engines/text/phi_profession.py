"""PROFESSION: job titles from Faker's list plus clinical and common trades.

A multi-word title from the list ("Biomedical engineer") is taken anywhere. A single job word ("teacher",
"nurse") needs a cue: "works as a", "retired", "occupation:", "a 48-year-old ...", ", the ...," or a line of its
own (a signature or letterhead line such as "Laboratory animal technician").
"""

from __future__ import annotations

import regex as re

from medauto.engines.text import phi_words as words
from medauto.engines.text.phi_lexicon import PhiLexicon, fold
from medauto.engines.text.phi_patterns import Hit, interval_index, overlaps_any

_WORD = re.compile(r"\p{L}[\p{L}\p{M}]*(?:['\u2019-]\p{L}[\p{L}\p{M}]*)*")
_CUE = re.compile(
    r"(?:\b(?:as|is|was|am|are|were|became|become|being|worked|works|working|employed|retired|former|ex-|formerly|"
    r"occupation|profession|job|employment|trained|training|career)\b[ \t:,-]*"
    r"(?:an?[ \t]+|the[ \t]+|as[ \t]+an?[ \t]+)?"
    r"(?:retired[ \t]+|former[ \t]+|part-time[ \t]+|full-time[ \t]+|self-employed[ \t]+|unemployed[ \t]+)?"
    r"|\d{1,3}[- ](?:year|yr)s?[- ]old[ \t]+(?:\w+[ \t]+)?|,[ \t]*(?:a|an|the)[ \t]+)$",
    re.I,
)
_MAX_WORDS = 6


_JOINERS = frozenset({" ", "  ", "'s ", "\u2019s "})
_CAPITAL_AFTER = re.compile(r"[ \t]+\p{Lu}")


class ProfessionFinder:
    def __init__(self, lexicon: PhiLexicon) -> None:
        self.lex = lexicon
        self.vocab = frozenset(w for job in lexicon.jobs for w in job.split())
        # A title ends in one of these words; only stretches ending in one are looked up.
        self.ends = frozenset(job.split()[-1] for job in lexicon.jobs) | lexicon.job_heads

    def find(self, text: str, blocked: list[Hit]) -> list[Hit]:
        toks = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
        blocked_index = interval_index(blocked)
        # Per token, the first token at or after it that can end a title: a title starting at i ends at most
        # _MAX_WORDS - 1 tokens later, so tokens further than that from the next end are skipped unread.
        next_end = [len(toks)] * (len(toks) + 1)
        for j in range(len(toks) - 1, -1, -1):
            next_end[j] = j if toks[j][2] in self.ends else next_end[j + 1]
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            if next_end[i] - i >= _MAX_WORDS:
                i = next_end[i] - _MAX_WORDS + 1
                continue
            hit = self._at(text, toks, i)
            if hit and not overlaps_any(blocked_index, hit.begin, hit.end):
                hits.append(hit)
                i = next((j for j in range(i, len(toks)) if toks[j][0] >= hit.end), len(toks))
            else:
                i += 1
        return hits

    def _joined(self, text: str, toks: list[tuple[int, int, str]], i: int, n: int) -> bool:
        return all(text[toks[k][1] : toks[k + 1][0]] in _JOINERS for k in range(i, i + n - 1))

    def _at(self, text: str, toks: list[tuple[int, int, str]], i: int) -> Hit | None:
        lex = self.lex
        if text[toks[i][1] : toks[i][1] + 3].lstrip(" \t").startswith(":"):
            return None  # "Doctor:" is a speaker or a field label
        for n in range(min(_MAX_WORDS, len(toks) - i), 0, -1):
            if toks[i + n - 1][2] not in self.ends or not self._joined(text, toks, i, n):
                continue
            key = " ".join(t[2] for t in toks[i : i + n])
            begin, end = toks[i][0], toks[i + n - 1][1]
            if n > 1 and key in lex.jobs:
                return Hit(begin, end, "PROFESSION", 0.85)
            head = toks[i + n - 1][2]
            if toks[i][2] in words.NAME_STOP:
                return None
            if n == 1 and key in words.TITLES and _CAPITAL_AFTER.match(text[end : end + 3]):
                return None  # "Doctor Smith", "Nurse Jane": a title, not the patient's job
            if n == 1 and (key in lex.jobs or key in lex.job_heads):
                if self._line_alone(text, begin, end) or _CUE.search(text, max(0, begin - 40), begin):
                    return Hit(begin, end, "PROFESSION", 0.75)
            elif n > 1 and head in lex.job_heads and self._line_alone(text, begin, end):
                # A whole line ending in a job word: "Passenger booking clerk", "labor relations director".
                return Hit(begin, end, "PROFESSION", 0.7)
            elif (
                n > 1
                and head in lex.job_heads
                and self._modifiers(text, toks[i : i + n - 1])
                and _CUE.search(text, max(0, begin - 40), begin)
            ):
                return Hit(begin, end, "PROFESSION", 0.7)
        return None

    def _modifiers(self, text: str, toks: list[tuple[int, int, str]]) -> bool:
        """Words before a job word that can belong to the title ("truck", "high school chemistry")."""
        capital = text[toks[0][0]].isupper()
        return len(toks) <= 3 and all(
            t[2] not in words.NAME_STOP
            and t[2] not in words.NOT_JOB_MODIFIERS
            and (t[2] in self.vocab or not t[2].endswith(("ing", "ed", "ly")) or (capital and len(toks) <= 2))
            for t in toks
        )

    @staticmethod
    def _line_alone(text: str, begin: int, end: int) -> bool:
        line_b = text.rfind("\n", max(0, begin - 120), begin) + 1 or max(0, begin - 120)
        line_e = text.find("\n", end, end + 120)
        line_e = min(len(text), end + 120) if line_e < 0 else line_e
        return not text[line_b:begin].strip(" \t>*-•|?") and not text[end:line_e].strip(" \t.,")
