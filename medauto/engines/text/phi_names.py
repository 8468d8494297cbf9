"""NAME: runs of capitalised words scored by first/last-name lexicons, word shape and the words around them.

A run is a stretch of name-shaped tokens on one line ("Janka M. Szász", "Willemine ten Pas", "Smith, John").
Each token adds evidence (known first or last name, unknown capitalised word with a surname ending, initial) or
vetoes the run (an English word, an organisation word, a country); cues around the run add more ("Dr.", "name
is", "seen by", "Alice:" at the start of a line, "... said"). Runs whose evidence passes a threshold are names;
then coordinated words ("Lamovec and Morales") and later mentions of a found surname are added.
"""

from __future__ import annotations

from itertools import pairwise
from typing import NamedTuple

import regex as re

from medauto.engines.text import phi_name_cues as cues
from medauto.engines.text import phi_words as words
from medauto.engines.text.phi_lexicon import PhiLexicon, fold
from medauto.engines.text.phi_medications import MedicationNames
from medauto.engines.text.phi_patterns import Hit, interval_index, overlaps_any

TOKEN = re.compile(r"\p{L}[\p{L}\p{M}]*(?:(?:['\u2019](?![sS]\b)|-)\p{L}[\p{L}\p{M}]*)*")
_THRESHOLD = 2.5
_VOCATIVE_END = re.compile(r"[ \t]*[!?]")
_OF_ORG_AFTER = re.compile(r"[ \t]+of[ \t]+\p{Lu}")
_CACHE_LIMIT = 100_000
_CONTRACTION = re.compile(r"['\u2019](?:m|ll|ve|d|re|t|s)$")
_STOP = (
    words.NAME_STOP
    | words.FORM_LABELS
    | words.ORG_WORDS
    | words.CLINICAL_CAPS
    | frozenset(
        words.words(
            "monday tuesday wednesday thursday friday saturday sunday january february march april june july "
            "september october november december"
        )
    )
)


class _Tok(NamedTuple):
    begin: int
    end: int
    text: str
    key: str
    shape: str  # see word_shape


def word_shape(text: str, key: str) -> str:
    """initial, lower_initial, upper, cap, particle, lower or other."""
    if len(text) == 1:
        return "initial" if text.isupper() else "lower_initial"
    if text[0].isupper():
        return "upper" if text.isupper() else "cap"
    if key in words.NAME_PARTICLES:
        return "particle"
    return "lower" if text.islower() else "other"


def _mode(shape: str) -> str:
    """Which run a token of this shape may join: capitalised, lower-case, or either (particles)."""
    if shape in {"cap", "upper", "initial"}:
        return "cap"
    return "lower" if shape in {"lower", "lower_initial"} else "any"


class NameFinder:
    def __init__(self, lexicon: PhiLexicon, medications: MedicationNames | None = None) -> None:
        self.lex = lexicon
        self.medications = medications
        self._common: dict[str, bool] = {}  # is_common by key: the suffix rules are slow to repeat per token
        # Per token string: key, shape, whether it may be part of a run, and its run mode (see _runs).
        self._words: dict[str, tuple[str, str, bool, str]] = {}

    # ------------------------------------------------------------------------------------------------ tokens
    def is_common(self, key: str) -> bool:
        found = self._common.get(key)
        if found is None:
            if len(self._common) >= _CACHE_LIMIT:
                self._common.clear()
            found = self._common[key] = key in words.FORM_LABELS or self.lex.is_common(key)
        return found

    def is_stop(self, key: str) -> bool:
        return key in _STOP or ("'" in key and _CONTRACTION.search(key) is not None)

    def known(self, key: str) -> bool:
        return key in self.lex.first_names or key in self.lex.last_names

    def _runs(self, text: str, toks: list[_Tok]) -> list[list[_Tok]]:
        """Stretches of name-shaped tokens on one line, all capitalised or all lower-case, no stop word inside."""
        runs: list[list[_Tok]] = []
        current: list[_Tok] = []
        mode = ""
        words = self._words
        for tok in toks:
            _, _, usable, tok_mode = words[tok.text]
            if current and usable:
                prev = current[-1]
                gap = text[prev.end : tok.begin]
                joined = gap in {" ", "  "} or (gap in {". ", "."} and len(prev.text) == 1)
                if joined and (tok_mode == mode or tok_mode == "any"):
                    current.append(tok)
                    continue
            if current:
                runs.append(current)
            current, mode = ([tok], tok_mode) if usable and tok_mode != "any" else ([], "")
            if tok.key in ("a", "i") and tok_mode == "cap":
                current, mode = [], ""
        if current:
            runs.append(current)
        return runs

    # ------------------------------------------------------------------------------------------------ scoring
    def _score_run(self, text: str, run: list[_Tok]) -> float:
        """Evidence that ``run`` (already trimmed) is a person name; 0 when vetoed.

        Every veto returns 0, so they are ordered cheapest first: most runs in clinical text ("Patient", "Plan",
        "BP") are ruled out by their own words before any context is looked at.
        """
        shapes = [t.shape for t in run]
        keys = [t.key for t in run]
        full = " ".join(keys)
        if full in self.lex.countries or any(k in cues.STREET_WORDS for k in keys[1:]):
            return 0.0
        if shapes[0] in {"lower", "lower_initial"} and not any(map(self.known, keys)):
            return 0.0  # a lower-case run needs a known name (below), whatever the context: skip reading it
        before = text[max(0, run[0].begin - 60) : run[0].begin]
        title = bool(cues.TITLE_BEFORE.search(before))
        upper_line: bool | None = None  # the whole line is in capitals; looked at only for an all-caps word
        # "Don't go to town, Mark!": a known name addressed between a comma and ! or ? is a name, not a word.
        vocative = len(run) == 1 and before.endswith(", ") and _VOCATIVE_END.match(text, run[0].end) is not None
        evidence = 0.0
        names = unknown = morph = weak = 0
        for tok, shape in zip(run, shapes, strict=True):
            if shape in {"initial", "lower_initial", "particle"}:
                evidence += 0.5 if shape != "particle" and len(run) > 1 else 0.0
                continue
            if shape == "upper" and upper_line is None:
                upper_line = self._upper_line(text, run)
            common = not vocative and (self.is_common(tok.key) or (shape == "upper" and not upper_line))
            if self.known(tok.key) and not (shape == "upper" and len(tok.key) <= 3) and len(tok.key) > 2:
                names += not common
                weak += common
                evidence += 0.75 if common else 2.0
            elif common:
                weak += 1
            elif shape == "upper" and not (title or upper_line):
                return 0.0
            else:
                unknown += 1
                surname = tok.key.endswith(cues.SURNAME_ENDINGS)
                morph += surname
                evidence += 1.5 if surname else 1.0
        if not names and not unknown and not (title or cues.NAMED.search(before)):
            return 0.0  # only English words that are also names somewhere: "Will", "General", "Pop"
        lower = shapes[0] in {"lower", "lower_initial"}
        if lower and not names:
            return 0.0
        after = text[run[-1].end : run[-1].end + 40]
        if cues.EPONYM_AFTER.match(after):
            return 0.0
        field = bool(cues.FIELD_BEFORE.search(before)) and bool(cues.FIELD_END.match(after))
        cue = title or field or bool(cues.CUE_BEFORE.search(before))
        if (
            cue
            and not (title or field)
            and (
                cues.NOT_A_PERSON_CALLED.search(before)
                or (cues.CHANGE_TO.search(before) and "name" not in before.lower())
            )
        ):
            cue = False
        if not cue and ((len(run) > 1 and full in self.lex.places) or full in self.lex.regions):
            return 0.0
        if cues.ORG_SUFFIX_AFTER.match(after) or self._org_or_place_after(after):
            return 0.0
        speaker = (
            bool(cues.SPEAKER_AFTER.match(after))
            and bool(cues.LINE_START_BEFORE.search(before))
            and len(run) <= 3
            and shapes[0] != "upper"
        )
        # "Yuito Hirai of Reed Elsevier": unknown capitalised words, then "of" and an organisation.
        after_cue = bool(cues.CUE_AFTER.match(after)) or (
            len(run) > 1 and not weak and _OF_ORG_AFTER.match(after) is not None
        )
        weak_after = bool(cues.WEAK_AFTER.match(after))
        if (
            len(run) == 1
            and not title
            and cues.SENTENCE_START.search(before)
            and not (cue or speaker or after_cue or weak_after)
        ):
            return 0.0
        single_line = self._line_alone(text, run)
        line_alone = single_line and len(run) > 1
        context = cue or speaker or after_cue or line_alone
        if lower and not (names and (cue or line_alone or after_cue) and (len(run) > 1 or cues.NAMED.search(before))):
            return 0.0
        if names == 0 and not (context or (len(run) > 1 and morph)):
            return 0.0
        if len(run) == 1 and not names and not context:
            return 0.0
        if not cue and cues.STRONG_LOCATION_BEFORE.search(before):
            return 0.0
        if (
            not cue
            and cues.LOCATION_BEFORE.search(before)
            and (full in self.lex.places or not names or shapes[0] == "upper")
        ):
            return 0.0
        evidence += 3.0 if title else 2.0 if cue else 0.0
        evidence += 2.0 if speaker else 0.0
        evidence += 1.5 if after_cue else 1.0 if weak_after and names else 0.0
        evidence += 1.0 if line_alone or (single_line and names) else 0.0
        if not cues.SENTENCE_START.search(before):
            evidence += 0.5
        return evidence

    @staticmethod
    def _upper_line(text: str, run: list[_Tok]) -> bool:
        """Whether the run's line (up to 200 characters each side) has two or more words, all in capitals."""
        window_b, window_e = max(0, run[0].begin - 200), min(len(text), run[-1].end + 200)
        line_b = text.rfind("\n", window_b, run[0].begin) + 1 or window_b
        line_e = text.find("\n", run[-1].end, window_e)
        line_text = text[line_b : window_e if line_e < 0 else line_e]
        line_words = [w for w in cues.LETTER_RUN.findall(line_text) if len(w) > 1]
        return len(line_words) >= 2 and all(w.isupper() for w in line_words)

    @staticmethod
    def _line_alone(text: str, run: list[_Tok]) -> bool:
        """Whether the run is all there is on its line, bar list marks and trailing punctuation."""
        line_b = text.rfind("\n", max(0, run[0].begin - 200), run[0].begin) + 1 or max(0, run[0].begin - 200)
        line_e = text.find("\n", run[-1].end, run[-1].end + 200)
        line_e = min(len(text), run[-1].end + 200) if line_e < 0 else line_e
        return cues.LINE_LEAD.fullmatch(text[line_b : run[0].begin]) is not None and (
            cues.LINE_TAIL.fullmatch(text[run[-1].end : line_e]) is not None
        )

    def _org_or_place_after(self, after: str) -> bool:
        """ "Purdy Correctional Facility", "San Diego, California": the run is part of an organisation or a place."""
        m = cues.NEXT_WORDS.match(after)
        if not m:
            return False
        first = fold(m.group(1).split()[0])
        if not after.startswith(",") and first in words.ORG_WORDS and m.group(1)[0].isupper():
            return True
        following = " ".join(fold(w) for w in m.group(1).split())
        return after.startswith(",") and (
            first in self.lex.regions
            or first in self.lex.countries
            or following in self.lex.regions
            or following in self.lex.countries
        )

    def _trim(self, run: list[_Tok]) -> list[_Tok]:
        """Drop dangling initials and particles at either end."""
        start, end = 0, len(run)
        while start < end and run[start].shape == "particle":
            start += 1
        while end > start and (run[end - 1].shape == "particle" or (len(run[end - 1].text) == 1 and end - start > 1)):
            end -= 1
        return run[start:end]

    def _token(self, begin: int, end: int, text: str) -> _Tok:
        info = self._words.get(text)
        if info is None:
            key = fold(text)
            shape = word_shape(text, key)
            usable = (
                shape != "other"
                and not self.is_stop(key)
                and not (shape in {"cap", "upper", "lower"} and self.is_common(key) and not self.known(key))
            )
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            info = self._words[text] = (key, shape, usable, _mode(shape))
        return _Tok(begin, end, text, info[0], info[1])

    # ------------------------------------------------------------------------------------------------ public
    def find(self, text: str, blocked: list[Hit], tokens: list[tuple[int, int, str]] | None = None) -> list[Hit]:
        """Names in ``text`` outside the ``blocked`` spans; ``tokens`` are the :data:`TOKEN` matches if known."""
        index = interval_index(blocked)
        if tokens is None:
            tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        toks = [self._token(b, e, w) for b, e, w in tokens if not overlaps_any(index, b, e)]
        hits: list[Hit] = []
        rejected: list[list[_Tok]] = []
        for raw in self._runs(text, toks):
            run = self._trim(raw)
            if run:
                evidence = self._score_run(text, run)
                if evidence >= _THRESHOLD:
                    titled = bool(cues.TITLE_BEFORE.search(text[max(0, run[0].begin - 12) : run[0].begin]))
                    score = 0.9 + min(0.08, 0.01 * evidence) if titled else min(0.84, 0.35 + 0.1 * evidence)
                    hits.append(Hit(run[0].begin, run[-1].end, "NAME", score))
                else:
                    rejected.append(run)
        hits = [h for h in hits if not self._medication(text, h)]
        hits += [h for h in self._second_pass(text, hits, rejected) if not self._medication(text, h)]
        hits += self._line_pairs(text, toks, hits)
        return self._inverted(text, sorted(hits))

    def _medication(self, text: str, hit: Hit) -> bool:
        """A drug name used as one ("Continue Allegra", "Lyrica 75 mg") or an eponymous disease ("early Parkinson's"),
        unless a title or a name cue ("her name is", not "a medicine called") precedes it."""
        terms = self.medications
        if terms is None or not (
            terms.is_medication(text, hit.begin, hit.end) or terms.is_condition(text, hit.begin, hit.end)
        ):
            return False
        before = text[max(0, hit.begin - 60) : hit.begin]
        named = cues.NAMED.search(before) and not cues.NOT_A_PERSON_CALLED.search(before)
        return not (cues.TITLE_BEFORE.search(before) or named)

    def _line_pairs(self, text: str, toks: list[_Tok], hits: list[Hit]) -> list[Hit]:
        """A line that is just a known first name and one more capitalised word ("Rebecca Hides" heading a letter or
        an address block), even when that word is also an English one."""
        taken = interval_index(hits)
        out: list[Hit] = []
        for first, last in pairwise(toks):
            if not (
                first.shape == "cap"
                and last.shape == "cap"
                and first.key in self.lex.first_names
                and not self.is_common(first.key)
                and not self.is_stop(last.key)
                and last.key not in cues.STREET_WORDS
                and text[first.end : last.begin] == " "
            ):
                continue
            run = [first, last]
            if self._line_alone(text, run) and not overlaps_any(taken, first.begin, last.end):
                hit = Hit(first.begin, last.end, "NAME", 0.7)
                if not self._medication(text, hit):
                    out.append(hit)
        return out

    def _inverted(self, text: str, hits: list[Hit]) -> list[Hit]:
        """ "Smith, John": a surname, a comma and a known first name form one name (not inside a list)."""
        out: list[Hit] = []
        for hit in hits:
            if out and text[out[-1].end : hit.begin] == ", ":
                prev = out[-1]
                last, first = text[prev.begin : prev.end], text[hit.begin : hit.end]
                first_key = fold(first.split()[0])
                listed = cues.LIST_AFTER.match(text, hit.end) is not None
                if (
                    " " not in last
                    and first_key in self.lex.first_names
                    and fold(last) in self.lex.last_names
                    and not listed
                ):
                    out[-1] = Hit(prev.begin, hit.end, "NAME", max(prev.score, hit.score))
                    continue
            out.append(hit)
        return out

    def _second_pass(self, text: str, hits: list[Hit], rejected: list[list[_Tok]]) -> list[Hit]:
        """Coordinated names ("Lamovec and Morales") and repeated surnames ("... starring Borkowski")."""
        found_words = {fold(w) for h in hits for w in text[h.begin : h.end].split() if len(w) > 2}
        ends = {h.end for h in hits}
        begins = {h.begin for h in hits}
        extra: list[Hit] = []
        for run in rejected:
            if (
                len(run) > 2
                or not run[0].text[0].isupper()
                or any(self.is_common(t.key) or t.text.isupper() for t in run)
            ):
                continue
            if cues.DIGIT_AFTER.match(text[run[-1].end : run[-1].end + 3]):
                continue
            full = " ".join(t.key for t in run)
            if full in self.lex.regions or full in self.lex.countries or full in self.lex.places:
                continue
            b, e = run[0].begin, run[-1].end
            near = any(
                pos in ends and cues.COORDINATION.fullmatch(text[pos:b]) for pos in range(max(0, b - 8), b)
            ) or any(pos in begins and cues.COORDINATION.fullmatch(text[e:pos]) for pos in range(e + 1, e + 9))
            repeated = all(t.key in found_words for t in run)
            if near or repeated:
                extra.append(Hit(b, e, "NAME", 0.6))
                ends.add(e)
                begins.add(b)
        return extra
