"""Trigger lexicon of the ConText-style trait detector, and the sign / symptom / diagnosis word lists.

Every phrase is matched case-insensitively on whole tokens (the tokens of :class:`~medauto.engines.text.doc.Doc`),
so ``"r/o"`` matches the three tokens ``r / o`` and ``"s/p"`` matches ``S/P``. Where two phrases start at the same
token the longest wins, which is how the pseudo-triggers ("no change", "not ruled out") block the short ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from medauto.engines.text.types import TraitName

NEG = TraitName.NEGATION
UNCERTAIN = TraitName.LOW_CONFIDENCE
HYPO = TraitName.HYPOTHETICAL
FUTURE = TraitName.FUTURE
HISTORY = TraitName.PAST_HISTORY
FAMILY = TraitName.PERTAINS_TO_FAMILY


class Direction(Enum):
    FORWARD = "forward"  # the trigger modifies what follows it: "no fever"
    BACKWARD = "backward"  # ... what precedes it: "fever was ruled out"
    BOTH = "both"
    PSEUDO = "pseudo"  # looks like a trigger but is not one; modifies nothing ("no change in")
    TERMINATE = "terminate"  # ends every scope that reaches it ("but", "however", ";")


@dataclass(frozen=True, slots=True)
class Rule:
    phrase: str
    traits: tuple[TraitName, ...]
    direction: Direction
    score: float  # confidence when the trigger is right next to the span
    window: int  # words a scope may cover per list item (see ``context.Scope``)


# Words per list item a scope covers unless a rule says otherwise (tuned on the NegEx dev file).
WINDOW = 6


def _phrases(block: str) -> list[str]:
    return [p.strip() for p in block.replace("\n", "|").split("|") if p.strip()]


def _rules(
    block: str, traits: tuple[TraitName, ...], direction: Direction, score: float, window: int = WINDOW
) -> list[Rule]:
    return [Rule(p, traits, direction, score, window) for p in _phrases(block)]


# --- negation ---------------------------------------------------------------------------------------------------
_NEG_STRONG = """
denies | denied | deny | denying | denies any | denied any | negative for | tested negative for | -ve for | free of |
free from | no evidence of | no evidence for | no signs of | no sign of | no symptoms of | no findings of |
no history of | no hx of | no h/o | no known | no definite | no definitive | no new | absence of | without evidence of |
without any | without signs of | ruled out for | rules out | no complaints of | no suggestion of | no indication of |
has not had | never had | never been | not demonstrate | does not demonstrate | did not demonstrate | fails to reveal |
failed to reveal | failed to demonstrate | no longer | neither | no further
"""
_NEG_PLAIN = """
no | without | w/o | not | never | nor | none of | cannot | can't | doesn't | don't | didn't | isn't | wasn't |
aren't | weren't | hasn't | haven't | hadn't | clear of | resolution of | rather than | instead of | inconsistent with |
not believe | do not believe | do not think | did not think | not consistent with | not suggestive of | not have
"""
_NEG_AFTER = """
is negative | was negative | were negative | are negative | came back negative | returned negative | tested negative |
was ruled out | were ruled out | has been ruled out | have been ruled out | is ruled out | been ruled out | ruled out |
was excluded | were excluded | has been excluded | been excluded | is excluded | not seen | not identified |
not visualized | not appreciated | not detected | not noted | not present | not demonstrated | not found |
not evident | not observed | not elicited | not be seen | not been seen | are absent | is absent | was absent |
were absent | : negative | : none | : absent | : neg
"""
_NEG_AFTER_NEAR = """negative | absent | free | - free"""

# --- pseudo-triggers: block the negation (or other) rule that would otherwise match at the same token ---------------
_PSEUDO = """
no increase | no significant increase | no interval increase | no decrease | no significant decrease | no change |
no interval change | no significant change | no significant interval change | no definite change |
no appreciable change |
no substantial change | no further change | no suspicious change | without change | without interval change |
not changed | have not changed | has not changed | not only | not necessarily | not just | not limited to | not cause |
not caused | not drain | not extend | no improvement | not improved | not improving | no relief | no specific relief |
no significant relief | no cause of | no clear cause | no known cause | no obvious cause | no specific diagnosis |
no definite diagnosis | no clear diagnosis | no diagnosis | no etiology | no clear etiology | no specific etiology |
gram negative | gram - negative | not certain whether | not sure whether | whether or not | not otherwise specified |
no other | not all | prior to | history of present illness | history and physical | social history | clinical history |
year old | years old | yr old | year - old | years - old | month old | months old | month - old | week old |
free text | not applicable | no doubt | without doubt | risk factors | risk factor | next to
"""

# --- scope terminators ------------------------------------------------------------------------------------------
_TERMINATE = """
but | however | although | though | except | except for | aside from | apart from | other than | besides | yet |
still | nevertheless | nonetheless | whereas | which | who | whose | because | since | secondary to | cause of |
cause for | source of | etiology of | etiology for | reason for | origin of | given | presents | presented | complains |
complained | complaining | admits | reports | endorses | endorsed | positive for |
is positive | was positive | notable for | significant for | ; | : | and he | and she | and they | and it |
and we | and i | and the patient | and patient | and his | and her | he has | she has | he had | she had
"""

# --- uncertainty -------------------------------------------------------------------------------------------------
_UNCERTAIN_BEFORE = """
possible | possibly | probable | probably | suspected | suspect | suspicious for | suspicion for | suspicion of |
concern for | concerning for | concern of | question of | questionable | cannot rule out | can not rule out |
cannot exclude | can not exclude | could not rule out | not rule out | rule out | r/o | rule - out |
may have | may be | might have | might be | could have | could be | likely | most likely | more likely | presumed |
presumably | presumptive | differential diagnosis | differential includes | ddx | suggestive of | suggesting |
suggests | thought to be | felt to be | worrisome for | equivocal | uncertain | unclear if | unclear whether |
evaluate for | evaluation for | to evaluate for | to assess for | to rule out | questionable for | indeterminate
"""
_UNCERTAIN_AFTER = """
cannot be ruled out | can not be ruled out | could not be ruled out | not ruled out | not been ruled out |
cannot be excluded | can not be excluded | could not be excluded | not be excluded | not excluded | is suspected |
was suspected | is possible | is likely | is probable | is questionable | is not excluded | is favored | ?
"""
_UNCERTAIN_BOTH = """unlikely | less likely | doubtful | doubt | versus | vs | vs ."""

# --- hypothetical and future -------------------------------------------------------------------------------------
_HYPO_BEFORE = """
if | in case | in case of | in the event of | should he | should she | should you | should the patient |
should there be | return if | call if | come back if | return for | return with | watch for | monitor for |
monitoring for | at risk for | risk of | risk for | prevention of | to prevent | to avoid | unless | if any |
warning signs of | precautions for
"""
_HYPO_AFTER = """prophylaxis | precautions | precaution | risk"""
_FUTURE_BEFORE = """
will start | will begin | will be started | will undergo | will have | will need | will receive | will get |
will be | to be started | to be scheduled | plan to | plans to | planned | planning to | plan for | plan is to |
scheduled for | is scheduled for | will be scheduled for | going to | to start | to begin | in the future | next
"""
_FUTURE_WEAK = """will | would like to"""
_FUTURE_AFTER = """tomorrow | next week | next month | at follow - up | is planned | was planned | is scheduled"""

# --- past history -------------------------------------------------------------------------------------------------
_HISTORY_BEFORE = """
history of | hx of | h/o | hx | past history of | past medical history | past medical history of | pmh | pmhx |
past surgical history | psh | status post | s/p | previous | prior | prior history of | known history of |
remote history of | history significant for | history notable for | history is significant for |
history remarkable for | former | formerly | medical history
"""
_HISTORY_AFTER = """in the past | ago | years ago | last year | in childhood | as a child"""
_HISTORY_NEAR = """remote | old | underwent"""

# --- family ---------------------------------------------------------------------------------------------------------
FAMILY_NOUNS = _phrases(
    """
mother | father | mom | dad | parent | parents | sister | sisters | brother | brothers | sibling | siblings | son |
sons | daughter | daughters | aunt | aunts | uncle | uncles | grandmother | grandfather | grandparent | grandparents |
grandma | grandpa | cousin | cousins | niece | nephew | family member | family members | relatives |
first - degree relative | first degree relative | maternal | paternal
"""
)
_FAMILY_BEFORE = """family history | family history of | family hx | fhx | fh | family history significant for |
family history is significant for | family history positive for | family history notable for"""
_NEG_FAMILY = (
    """no family history of | no family history | family history negative for | no fhx of | denies family history of"""
)
_DETERMINERS = ("", "his", "her", "their", "the", "a", "patient's", "pt's")
_REPORT_VERBS = (
    "reports | reported | states | stated | says | said | notes | noted | brought | brings | is at bedside | at bedside"
    " | present | is present | accompanies | accompanied | provides | provided | called | is here | was here"
)


def _family_rules() -> list[Rule]:
    out = _rules("|".join(FAMILY_NOUNS), (FAMILY,), Direction.FORWARD, 0.9)
    people = [n for n in FAMILY_NOUNS if n not in ("maternal", "paternal")]
    for det in _DETERMINERS:
        for side in ("", "maternal ", "paternal "):
            for noun in people:
                who = f"{det} {side}{noun}".strip()
                # "breast cancer in his mother": the relative is named after the condition.
                out.append(Rule(f"in {who}", (FAMILY,), Direction.BACKWARD, 0.88, 5))
                # "history from his mother", "lives with her mother": the relative is the source, not the subject.
                out += [Rule(f"{prep} {who}", (), Direction.PSEUDO, 0.0, 0) for prep in ("with", "per", "by", "from")]
        for noun in ("mother's", "father's"):
            out.append(Rule(f"on {det} {noun} side".replace("  ", " "), (FAMILY,), Direction.BACKWARD, 0.85, 5))
    out += [Rule(f"on the {side} side", (FAMILY,), Direction.BACKWARD, 0.85, 5) for side in ("maternal", "paternal")]
    out += [Rule(f"{noun} {verb}", (), Direction.PSEUDO, 0.0, 0) for noun in people for verb in _phrases(_REPORT_VERBS)]
    return out


def _history_lead_ins() -> list[Rule]:
    """ "past medical history is significant for ...": the lead-in is one trigger, so "significant for" (which ends
    negation scopes) does not end the history scope."""
    heads = ("history", "past history", "medical history", "past medical history", "past surgical history", "pmh")
    links = (
        "is significant for",
        "significant for",
        "is positive for",
        "positive for",
        "is notable for",
        "notable for",
        "is remarkable for",
        "remarkable for",
        "includes",
        "is",
        "of",
        ":",
    )
    return [Rule(f"{head} {link}", (HISTORY,), Direction.FORWARD, 0.88, WINDOW) for head in heads for link in links]


def build_rules() -> list[Rule]:
    """All trigger rules; where a phrase appears twice the later rule wins."""
    fwd, back, both = Direction.FORWARD, Direction.BACKWARD, Direction.BOTH
    rules = [
        *_rules(_NEG_PLAIN, (NEG,), fwd, 0.93),
        *_rules(_NEG_STRONG, (NEG,), fwd, 0.97),
        *_rules(_NEG_AFTER_NEAR, (NEG,), back, 0.8, 2),
        *_rules(_NEG_AFTER, (NEG,), back, 0.9, 5),
        *_rules(": negative for | : neg for", (NEG,), fwd, 0.95),
        *_rules(_UNCERTAIN_BEFORE, (UNCERTAIN,), fwd, 0.85),
        *_rules(_UNCERTAIN_AFTER, (UNCERTAIN,), back, 0.85, 4),
        *_rules(_UNCERTAIN_BOTH, (UNCERTAIN,), both, 0.8, 3),
        *_rules(_HYPO_BEFORE, (HYPO,), fwd, 0.85),
        *_rules(_HYPO_AFTER, (HYPO,), back, 0.8, 2),
        *_rules(_FUTURE_WEAK, (FUTURE,), fwd, 0.7, 4),
        *_rules(_FUTURE_BEFORE, (FUTURE,), fwd, 0.85),
        *_rules(_FUTURE_AFTER, (FUTURE,), back, 0.75, 4),
        *_rules(_HISTORY_BEFORE, (HISTORY,), fwd, 0.88),
        *_rules(_HISTORY_AFTER, (HISTORY,), back, 0.8, 4),
        *_rules(_HISTORY_NEAR, (HISTORY,), fwd, 0.75, 2),
        *_rules("previously", (HISTORY,), fwd, 0.8, 4),
        *_history_lead_ins(),
        *_family_rules(),
        *_rules(_FAMILY_BEFORE, (FAMILY,), fwd, 0.92),
        *_rules(_NEG_FAMILY, (NEG, FAMILY), fwd, 0.95),
        *_rules(_PSEUDO, (), Direction.PSEUDO, 0.0, 0),
        *_rules(_TERMINATE, (), Direction.TERMINATE, 0.0, 0),
    ]
    return rules


# A scope of the first kind ends at a trigger of any of the second kinds (besides at terminators).
STOPPED_BY: dict[TraitName, frozenset[TraitName]] = {
    NEG: frozenset({UNCERTAIN, HYPO, FUTURE}),
    UNCERTAIN: frozenset({NEG, HYPO, FUTURE}),
    HYPO: frozenset({FUTURE}),
    FUTURE: frozenset({HYPO, HISTORY}),
    HISTORY: frozenset({NEG, FAMILY, FUTURE, HYPO}),
    FAMILY: frozenset(),
}

# Tokens that separate the items of a list: each item gets the full window ("no fever, chills, or night sweats").
LIST_SEPARATORS = frozenset({",", "or", "and", "nor", "/", "&", "and/or"})

# Section headers (matched before a colon) that give every span in the section a trait.
SECTION_TRAITS: dict[str, TraitName] = {
    "past medical history": HISTORY,
    "past surgical history": HISTORY,
    "past history": HISTORY,
    "medical history": HISTORY,
    "surgical history": HISTORY,
    "past medical and surgical history": HISTORY,
    "pmh": HISTORY,
    "psh": HISTORY,
    "pmhx": HISTORY,
    "family history": FAMILY,
    "family medical history": FAMILY,
    "family hx": FAMILY,
    "fhx": FAMILY,
    "fh": FAMILY,
}

# --- sign / symptom / diagnosis of a MEDICAL_CONDITION span --------------------------------------------------------
# What the patient feels and reports.
SYMPTOMS = _phrases(
    """
pain | pains | ache | aches | aching | headache | headaches | nausea | vomiting | dizziness | dizzy | lightheadedness |
light - headedness | lightheaded | vertigo | fatigue | tiredness | tired | malaise | weakness | cough | coughing |
shortness of breath | short of breath | sob | dyspnea | dyspnea on exertion | doe | orthopnea |
paroxysmal nocturnal dyspnea | pnd | fever | fevers | chills | rigors | night sweats | sweats | sweating | itching |
itch | itchy | pruritus | numbness | tingling | paresthesia | paresthesias | paraesthesia | paraesthesias |
palpitations | anorexia | loss of appetite | poor appetite | decreased appetite | weight loss | weight gain | insomnia |
sore throat | congestion | nasal congestion | runny nose | rhinorrhea | sneezing | diarrhea | constipation | bloating |
heartburn | indigestion | dyspepsia | dysphagia | odynophagia | dysuria | frequency | urinary frequency | urgency |
urinary urgency | nocturia | blurred vision | blurry vision | double vision | diplopia | photophobia | tinnitus |
hearing loss | cramps | cramping | stiffness | discomfort | soreness | pressure | tightness | burning | fainting |
difficulty breathing | difficulty swallowing | difficulty voiding | trouble breathing | myalgia | myalgias |
arthralgia | arthralgias | anhedonia | worthlessness | hopelessness | polyuria | polydipsia | hot flashes |
sputum production | chest pain | chest pressure | chest tightness | fatigability | drowsiness | sleepiness |
spasm | spasms | colic | numb | sick | symptom | symptoms | unwell | shakiness | restlessness | irritability |
depressed mood
"""
)
# What a clinician observes or measures.
SIGNS = _phrases(
    """
edema | oedema | swelling | swollen | rash | rashes | tachycardia | bradycardia | murmur | murmurs | rub | rubs |
gallop | gallops | hypotension | jaundice | icterus | jaundiced | wheezing | wheeze | wheezes | rales | crackles |
rhonchi | stridor | erythema | erythematous | tenderness | cyanosis | clubbing | pallor | pale | diaphoresis |
diaphoretic | lymphadenopathy | adenopathy | hepatomegaly | splenomegaly | hepatosplenomegaly | thyromegaly | jvd |
jugular venous distension | jugular venous distention | ascites | tachypnea | hypoxia | hypoxemia | febrile |
bruising | bruise | ecchymosis | ecchymoses | petechiae | purpura | mass | masses | nodule | nodules | lesion |
lesions | bleeding | hematuria | melena | hematochezia | hematemesis | hemoptysis | distension | distention |
distended | guarding | rigidity | ataxia | tremor | tremors | nystagmus | asterixis | confusion | confused |
lethargy | lethargic | somnolence | somnolent | obtundation | obtunded | agitation | agitated | leukocytosis |
exudate | exudates | discharge | drainage | induration | warmth | fluctuance | crepitus | deformity | atrophy |
hyperreflexia | hyporeflexia | clonus | effusion | effusions | organomegaly | bruit | bruits | ectopy | arrhythmia |
irregular rhythm | elevated blood pressure | high blood pressure | low blood pressure | desaturation | dehydration |
abnormality | abnormalities | opacity | opacities | infiltrate | infiltrates | consolidation | thickening |
enlargement |
dilation | dilatation | cardiomegaly | emesis | syncope | seizure | seizures | acute distress |
distress | respiratory distress | tachypneic | tachycardic | hypotensive | hypertensive | hypoxic | tender
"""
)
# Words that make a phrase a named disease even when it also holds a sign or symptom word ("pain syndrome").
DIAGNOSIS_WORDS = _phrases(
    """
disease | disorder | syndrome | cancer | carcinoma | tumor | tumour | neoplasm | malignancy | lymphoma | leukemia |
leukaemia | melanoma | sarcoma | myeloma | metastasis | metastases | infection | failure | infarction | infarct |
diabetes | mellitus | hypertension | stroke | fracture | fractures | pneumonia | sepsis | embolism | thrombosis |
aneurysm | dissection | stenosis | fibrillation | flutter | copd | chf | cad | mi | dvt | pe | gerd | hiv | aids |
asthma | migraine | anemia | anaemia | obesity | depression | anxiety | dementia | cirrhosis | hernia | ulcer | polyp |
polyps | cyst | cysts | hemorrhage | haemorrhage | occlusion | insufficiency | deficiency | dysfunction | injury |
regurgitation | prolapse | hypertrophy | cardiomyopathy | neuropathy | retinopathy | nephropathy | encephalopathy |
hyperlipidemia | hypercholesterolemia | dyslipidemia | hypothyroidism | hyperthyroidism | osteoporosis |
osteoarthritis | arthritis | gout | lupus | tuberculosis | hepatitis | influenza | covid | covid - 19 | diverticula |
diverticulosis | varices | pseudoaneurysm | pseudoaneurysms | rejection | abscess | cellulitis
"""
)
# Word endings of disease names ("appendicitis", "lymphoma", "fibrosis", "neuropathy", "hyperkalemia").
DIAGNOSIS_SUFFIXES = ("itis", "oma", "omas", "osis", "oses", "pathy", "emia", "aemia", "plasia", "trophy", "ectasis")
# Words that end the head of a condition phrase: "pain in the chest" is a pain, "fracture of the femur" a fracture.
HEAD_BREAKS = frozenset({"of", "in", "on", "at", "to", "from", "with", "without", "involving", "secondary", "due"})
