"""Hand-written cue words and stop lists for the PHI recognizer (the large lists come from Faker)."""

from __future__ import annotations


def words(text: str, sep: str | None = None) -> list[str]:
    """The words of a hand-written list (one string, easy to read and edit)."""
    return text.split(sep)


# Honorifics and titles that announce a person name: "Dr. Kumar", "Mrs. Labrie".
TITLES = frozenset(
    words(
        "dr dr. doctor mr mr. mrs mrs. ms ms. miss mx mx. prof prof. professor sir madam dame lady lord "
        "rev rev. fr fr. sr sr. nurse rn np pa"
    )
)
# Titles strong enough to make the next capitalised word a name even when it is unknown.
STRONG_TITLES = frozenset(words("dr dr. mr mr. mrs mrs. ms ms. miss mx mx. prof prof. doctor"))
# Post-nominal letters that may close a name: "Kathrine Filemonsen DDS".
NAME_SUFFIXES = frozenset(words("jr jr. sr sr. ii iii iv md dds dmd phd rn np pa-c do dnp mph"))
# Lower-case particles inside names: "Willemine ten Pas", "Ostrov nad Ohrí" is a place, not a name.
NAME_PARTICLES = frozenset(words("van von de der den del della di da dos das du le la ten ter bin ibn al el mac st."))

# Phrases right before a name ("name is", "seen by", "Patient:" ...). Matched case-insensitively, up to the name.
NAME_CUES = (
    r"(?:first |last |full |maiden |my |his |her |your |patient(?:'s)? |partner's |the )?"
    r"name(?:\s+is|\s*:|\?|\s+on\s+the\s+\w+\s+is)"
    r"|i\s+am|i'm|this\s+is|it's|it\s+is"
    r"|named|called|calls?\s+me|known\s+as|signed|dear|hi|hello|hey|thanks|thank\s+you|attn:?|attention:?"
    r"|says|said|asks|asked|told|(?:change|correct|update|changed|corrected)\s+(?:it|this|that|the\s+name)\s+to"
    r"|(?:seen|examined|evaluated|referred|discussed|accompanied|signed|dictated|transcribed|reviewed|authored|"
    r"written|directed|followed|treated|performed|attended|interviewed)\s+(?:by|with)"
    r"|follow(?:ing|ed|s)?[- ]up\s+with|spoke\s+(?:to|with)|speak\s+(?:to|with)|talked?\s+(?:to|with)"
    r"|under|features|starring|tribute\s+to|heard|player|songwriter|producer|commenter|assistant\s+to"
    r"|patient|pt\.?|mother|father|son|daughter|wife|husband|sister|brother|spouse|guardian|kid|child"
)
# "Patient: John Smith" is a header field only when the value ends the line (or another field follows);
# "Patient: Nope, never." is a dialogue turn.
FIELD_LABELS = (
    r"(?:patient|pt|patient\s+name|name|attending|attending\s+physician|physician|provider|pcp|referring(?:\s+physician)?"
    r"|doctor|nurse|rn|md|resident|surgeon|assistant|mother|father|guardian|parent|spouse|contact|emergency\s+contact"
    r"|next\s+of\s+kin|signed|signature|dictated\s+by|transcribed\s+by|cc|to|from|author|reviewed\s+by)"
)

# Words that end a name run or never are part of one (form labels, pronouns, clinical words).
FORM_LABELS = frozenset(
    words(
        "name address phone fax email e-mail website web url date time when where who what why how bot user "
        "patient pt doctor dr nurse mobile cell desk office home work tel telephone pager zip dob mrn ssn age sex "
        "gender subject re cc bcc from to note notes assessment plan impression history exam diagnosis dx hx "
        "procedure medications allergies vitals labs results signed provider attending resident physician "
        "chief complaint hpi ros pmh psh fh sh meds plan follow-up followup discharge admission admit"
    )
)

COMMON_WORDS = frozenset(
    words("""
    i me my we us our you your he him his she her it its they them their this that these those there here
    a an the and or but nor so yet if then than as at by for from in into of off on onto out over per to up
    upon with within without via vs about above after against along among around before behind below beneath
    beside between beyond during except inside near outside since through toward towards under until
    is am are was were be been being have has had having do does did doing will would shall should can could
    may might must not no yes ok okay hi hello hey dear thanks thank please sorry well just also very really
    mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday today tomorrow
    yesterday january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec morning evening night noon midnight week month year
    spring summer autumn fall winter christmas easter day days weeks months years hour hours minute
    patient patients doctor nurse hospital clinic center centre department unit ward room floor bed
    pain chest head heart lung lungs blood pressure fever cough rash mass lesion skin back neck arm leg
    knee hip foot hand eye ear nose throat mouth abdomen stomach liver kidney bone bones brain
    mg ml mcg kg lb lbs cm mm tablet tablets tab tabs capsule dose daily bid tid qid prn po iv im sc
    aspirin tylenol insulin heparin warfarin coumadin lasix
    normal stable acute chronic mild moderate severe left right bilateral positive negative
    history exam plan assessment impression diagnosis procedure surgery therapy test tests result results
    will grant hope faith joy rose iris lily ivy dawn summer autumn page chase hunter art don sue pat ray
    dean guy rich penny sterling bill mark case major king young long short white black brown green gray
    grey gold silver stone hill wood woods field fields lane street road park ford bush banks price cash
    rice bell hall wall may june august april
    god devil lord bot sir madam team staff office company bank account card credit debit number
    new old big small great good bad best better first last next other same own such only even still
    north south east west central upper lower middle
    company corporation inc llc ltd group associates systems technologies software services solutions
    unknown none nothing something someone anyone everyone status general special regular genesis symptom
    symptoms sign signs review system systems married single divorced widowed retired pop marine squad
    rescue dock hand
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
    nope yep yup yeah yes nah hm hmm hmmm um umm uhm uh huh aw aww oh ooh wow eh bye alright okey okay ok
    got gotcha lemme kinda gonna wanna ha haha ouch ugh dang awesome fantastic pardon yessir ma'am mister
    doc dad mom mum papa mama grandma grandpa congratulations nobody anybody somebody everybody unless
    bowel biopsy diabetes antibiotics tremor tremors cholesterol appetite throbbing headache cardiac
    brachial carpal deficit pacemaker cigar cigars motorcycle relaxing gradual quit refresh median epi
    """)
)
# Faker's English word lists include a few words that are mostly names in running text.
NOT_COMMON: frozenset[str] = frozenset()

# Closed-class words, nationalities and address words: never part of a person name, even when some locale's
# name list has them ("My", "The" and "Bot" are given names somewhere).
NAME_STOP = frozenset(
    words("""
    i me my mine we us our ours you your yours he him his she her hers it its they them their theirs this that
    these those the a an and or but nor of in on at to from by with for as into onto than then not no yes so if
    is am are was were be been being has have had do does did done can could shall should would must
    who whom whose which what when where why how all any some every each both either neither none
    here there hi hello hey dear thanks ok okay please sorry oh ah um uh re cc fwd
    english french german spanish italian portuguese dutch danish swedish norwegian finnish icelandic polish
    czech slovak hungarian romanian bulgarian greek turkish russian ukrainian chinese japanese korean
    vietnamese thai indian arabic hebrew persian african american canadian mexican brazilian argentinian
    european asian australian irish scottish welsh british latin latino latina hispanic caucasian
    christian muslim jewish catholic protestant hindu buddhist
    st ave rd blvd ln apt suite ste unit box po psc apo fpo dpo usns uss
    ceo cfo cto coo vp md phd rn np pa dds
    """)
)

# Words that mark an organisation, not a person: "Civic Impulse LLC", "Johnson Inc.".
ORG_WORDS = frozenset(
    words(
        "inc inc. llc ltd ltd. corp corp. corporation company co co. group associates systems technologies "
        "software services solutions partners holdings bank university college school hospital clinic center centre "
        "institute foundation agency incorporated gmbh ag sa plc lp llp pharmacy laboratories labs health healthcare "
        "medical insurance trust fund society association church club orchestra records studios media news "
        "analytics research consulting capital ventures industries international global network networks facility "
        "facilities department prison jail hotel restaurant store shop market airlines airways motors pharmaceuticals "
        "correctional rehabilitation nursing home"
    )
)

# Places the Faker lists miss or spell differently.
EXTRA_COUNTRIES = (
    "United States",
    "United States of America",
    "USA",
    "U.S.A.",
    "America",
    "United Kingdom",
    "UK",
    "Great Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "Czech Republic",
    "Czechia",
    "South Africa",
    "New Zealand",
    "South Korea",
    "North Korea",
    "Russia",
    "Greenland",
    "Vatican",
)
EXTRA_STATE_ABBRS = frozenset(
    words(
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
        "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP AB BC MB NB NL NS NT NU ON PE QC SK YT "
        "NSW VIC QLD TAS ACT"
    )
)
# State abbreviations that are ordinary English words in capitals; only used right after "City,".
AMBIGUOUS_STATE_ABBRS = frozenset(words("IN OR ME OK HI ON AS DE PA MA LA CO ID GA AL MS MD DO IT"))

# English street types, with their postal abbreviations.
EXTRA_STREET_SUFFIXES = tuple(
    words(
        "street st st. avenue ave ave. av road rd rd. boulevard blvd blvd. lane ln ln. drive dr dr. court ct ct. "
        "place pl pl. terrace ter circle cir highway hwy parkway pkwy square sq trail trl way close crescent cres "
        "grove mews row walk alley plaza broadway heights expressway freeway turnpike pike wynd"
    )
)
# Street types written before the name: "Rua do Arenque 1634", "ul. Północna 73", "Via Roma 131".
STREET_PREFIXES = frozenset(
    words(
        "rua rue r. via viale piazza piazzale strada corso largo vicolo avenida avda avda. av. calle carrer camino "
        "paseo plaza praca praça travessa alameda estrada rodovia chemin boulevard bd allee allée quai impasse route "
        "ul ul. ulica al. aleja plac jalan jl. aleea bulevardul strada str. avenue pod na trg cesta"
    )
)
# Street words glued to the end of a name ("Søndergade", "Harjukuja", "Strickstrasse") or written after it.
STREET_ENDINGS = (
    "vej",
    "gade",
    "straede",
    "stræde",
    "gata",
    "gatan",
    "vagen",
    "vägen",
    "stigen",
    "grand",
    "gränd",
    "torget",
    "straße",
    "strasse",
    "weg",
    "gasse",
    "platz",
    "allee",
    "laan",
    "straat",
    "steeg",
    "dreef",
    "singel",
    "katu",
    "kuja",
    "polku",
    "tie",
    "utca",
    "út",
    "ulica",
    "cesta",
    "veien",
    "vegen",
    "stræti",
    "straeti",
    "vegur",
    "braut",
    "tee",
    "tanav",
    "tänav",
    "centret",
)
UNIT_WORDS = r"(?:apt|apartment|suite|ste|unit|room|rm|floor|fl|bldg|building|box|p\.?\s?o\.?\s?box|#)"

# "lives at ...", "address: ...": the next few words are an address even without a street type.
ADDRESS_CUES = (
    r"address(?:es)?(?:\s+is|\s*:|\s+of\s+[^,.\n]{1,40}?\s+is)?|lives?\s+(?:at|on|in)|living\s+at|located\s+at"
    r"|located\s+on|resides?\s+at|moved\s+to|send\s+(?:it|them|a\s+new\s+one|this)\s+to|sent\s+to|meet\s+(?:me|you)\s+at"
    r"|corner\s+of|stop\s+at|drops?\s+(?:you|me)\s+off\s+at|enter\s+on|station\s+is\s+on|taxi\s+to|return\s+to"
    r"|deliver(?:ed)?\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to|lived\s+in|live\s+in|following\?|here\s+they\s+are:"
    r"|same:|validate\s+the\s+following\?|located\s+in|it'?s\s+in"
)
# Words before a place name: "from Tjæreborg", "arrived at HART", "based in GUÉRET".
LOCATION_CUES = frozenset(
    words("in from to at near visit visiting visited toward towards outside inside via around across of")
)
LOCATION_VERBS = (
    r"(?:lives?|living|lived|moved|moving|born|raised|travel(?:l)?ing|travel(?:l)?ed|flew|fly|flying|arrived|"
    r"returned|relocated|based|stationed|located|grew\s+up|originally|visit(?:ing|ed)?|trip|vacation|"
    r"holiday|coming|going|went|staying|stayed|resident|drove|driving|headed|heading)"
)
# Words that may open a place name although they are English words: "New Westminster", "Port O' Warren".
PLACE_PREFIXES = frozenset(
    words(
        "new north south east west upper lower port saint st san santa lake mount mt fort great little old royal "
        "el la le los las bad bay cape glen grand green isle kings long point rock sea spring"
    )
)

# Verbs and adverbs that may stand before a job word without being part of the title.
NOT_JOB_MODIFIERS = frozenset(
    words(
        "found saw seen see met called told asked local regular private own new old former very really good great "
        "best nice excellent wonderful also other another retired right-handed left-handed seasoned usual same "
        "previous current primary family"
    )
)

# Professions Faker's list lacks, mostly clinical.
CLINICAL_PROFESSIONS = tuple(
    words(
        "nurse, physician, doctor, surgeon, pharmacist, dentist, therapist, physiotherapist, paramedic, midwife, "
        "radiologist, anesthesiologist, anaesthetist, cardiologist, oncologist, pediatrician, psychiatrist, "
        "psychologist, teacher, carpenter, electrician, plumber, mechanic, farmer, firefighter, police officer, "
        "soldier, veteran, lawyer, attorney, accountant, engineer, programmer, software developer, truck driver, "
        "bus driver, taxi driver, cashier, clerk, waiter, waitress, chef, cook, janitor, custodian, housekeeper, "
        "nanny, construction worker, factory worker, miner, fisherman, salesman, saleswoman, salesperson, "
        "secretary, receptionist, librarian, professor, homemaker, banker, architect, pilot, journalist, writer, "
        "artist, musician, actor, actress, painter, welder, machinist, technician, scientist, cinematographer, "
        "installer, social worker, case manager, nursing assistant, home health aide, medical assistant, "
        "respiratory therapist, physical therapist, occupational therapist, registered nurse, nurse practitioner, "
        "physician assistant, laboratory technician, lab technician, phlebotomist, dietitian, nutritionist, "
        "optometrist, chiropractor, hairdresser, barber, bartender, security guard, mail carrier, postal worker, "
        "landscaper, roofer, bricklayer, mason, laborer, labourer, caregiver, babysitter, dental hygienist, "
        "emergency medical technician, certified nursing assistant, licensed practical nurse",
        ", ",
    )
)
# Last words of Faker job titles that are too generic to be a profession on their own.
JOB_HEAD_STOP = frozenset(
    words(
        "a an the of and or in for to with general chartered clinical public local senior junior assistant "
        "associate worker person crew boy officer member activities aid broadcasting case ceramics charities "
        "clothing commercial construction copy exhibition factory fashion film forest garment glass health home "
        "industrial interior lab laboratory land logistics make medical museum nursing occupational physical "
        "planning product registered respiratory social sub support television theatre years staff emeritus "
        "professional streamer runner visitor blower processor operator trainer handler support dealer buyer "
        "representative executive specialist coordinator planner adviser agent presenter controller"
    )
)


# Words that precede a number that is an identifier ("MRN 00123456", "account no. 4421").
ID_CUES = (
    r"mrn|mr\s?#|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+(?:number|no\.?|#)|chart\s+(?:number|no\.?|#)"
    r"|patient\s+id|pt\s+id|account(?:\s+(?:number|no\.?|#))?|acct\.?(?:\s*(?:number|no\.?|#))?|a/c"
    r"|member\s+id|member\s+(?:number|no\.?)|subscriber\s+id|policy(?:\s+(?:number|no\.?|#))?|group\s+(?:number|no\.?|#)"
    r"|insurance\s+(?:id|number|no\.?)|health\s+plan\s+(?:id|number)|medicare(?:\s+(?:id|number|no\.?))?"
    r"|medicaid(?:\s+(?:id|number|no\.?))?|claim\s+(?:id|number|no\.?|#)|case\s+(?:id|number|no\.?|#)"
    r"|licen[cs]e(?:\s+(?:number|no\.?|#))?|driver'?s\s+licen[cs]e(?:\s+(?:number|no\.?|#))?|dl\s*#?"
    r"|passport(?:\s+(?:number|no\.?|#))?|npi|dea(?:\s+(?:number|no\.?|#))?|ssn|social\s+security(?:\s+(?:number|no\.?|#))?"
    r"|tax\s+id|ein|tin|vin|serial(?:\s+(?:number|no\.?|#))?|device\s+(?:id|number)|accession(?:\s+(?:number|no\.?|#))?"
    r"|specimen\s+(?:id|number|no\.?)|encounter(?:\s+(?:id|number|no\.?))?|visit\s+(?:id|number)|fin|csn"
    r"|iban|routing(?:\s+number)?|swift|bic|card(?:\s+(?:number|no\.?|#))?|cc|credit\s+card(?:\s+(?:number|no\.?))?"
    r"|id(?:\s+(?:number|no\.?|#))?|identifier|number|no\.|#"
)
# Clinical and technical abbreviations in capitals that are never places or names ("transferred to ICU").
CLINICAL_CAPS = frozenset(
    words(
        "icu er ed or pacu ccu nicu picu micu sicu ct mri pet ekg ecg eeg emg cbc bmp cmp ua ivf iv im po pr sl "
        "prn bid tid qid qd qhs hs ac pc npo nad wnl hpi ros pmh psh fh sh cc dx tx rx hx sx bp hr rr spo2 o2 "
        "copd chf cad mi cva tia dvt pe uti gerd hiv aids dm htn hld ckd esrd aki ards ob gyn ent gi gu cns pt "
        "ot slp rn np md do pa lpn cna dnr dni aaa bmi afib vtach vfib nsr abg hgb hct wbc plt inr ptt bun "
        "tsh alt ast ldh crp esr ana ok usa am pm ap ii iii iv tv"
    )
)
