"""Curated word lists of the dictionary recogniser (lexicon.py): phrases by label, and stop and cue words."""

from __future__ import annotations

import re

from medauto.engines.text.types import Category

# Written for this project. "|" separates phrases; a leading "^" marks an acronym matched only in capitals.

M, D, A = Category.MEDICATION, Category.MEDICAL_CONDITION, Category.ANATOMY
B, T = Category.BEHAVIORAL_ENVIRONMENTAL_SOCIAL, Category.TEST_TREATMENT_PROCEDURE


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


CURATED: dict[tuple[str, Category, float], str] = {
    ("GENERIC_NAME", M, 0.9): (
        "asa|apap|^NTG|nitro|mtx|kcl|^MVI|multivitamin|multivitamins|oxygen|^O2|steroid|steroids|ssri|ssris|snri|"
        "beta blocker|beta blockers|beta-blocker|beta-blockers|ace inhibitor|ace inhibitors|^ACEI|^ARB|nsaid|nsaids|"
        "antibiotic|antibiotics|insulin|normal saline|iron|vitamin d|vitamin d3|fish oil|baby aspirin|tpa|5-fu"
    ),
    ("BRAND_NAME", M, 0.85): "keflex|augmentin|percocet|norco|vicodin|z-pak|zpak|bactrim|lovenox|tylenol|synthroid",
    ("DX_NAME", D, 0.9): (
        "pain|ache|aches|^AIDS|^HTN|diabetes|^DM|^DM2|^DMII|^T2DM|^T1DM|^CAD|^CHF|^MI|afib|a-fib|a fib|^AF|^UTI|uti|"
        "depression|anxiety|weakness|^SOB|^HIV|^CKD|^AKI|^OSA|^DVT|^PE|^TIA|^CVA|gi bleed|^HLD|high cholesterol|"
        "high blood pressure|^N/V|chest pressure|chest tightness|palpitations|lightheaded|light-headed|dizzy|"
        "swelling|numbness|tingling|bleeding|sore throat|runny nose|nasal congestion|congestion|malaise|insomnia|"
        "itching|tenderness|discomfort|cramping|stiffness|fracture|fractures|laceration|lesion|lesions|mass|nodule|"
        "infection|infections|inflammation|covid|covid-19|flu|hyperglycemia|hypoglycemia|substance abuse|"
        "sleeping trouble|trouble sleeping|^ESRD|^COPD|^GERD|^BPH|^ARDS|^ACS|^PAD|^PVD|^ADHD|^PTSD|^OCD|^IBS|^IBD|"
        "rash|shortness of breath|short of breath|wheezing|fever|fevers|chills|headache|headaches|nausea|vomiting|"
        "infiltrate|infiltrates|opacity|opacities|consolidation"
    ),
    ("TEST_NAME", T, 0.9): (
        "cbc|complete blood count|hemoglobin|hgb|hb|hematocrit|hct|wbc|white blood cell count|white blood cells|"
        "white count|platelets|platelet count|plt|rbc|red blood cell count|bmp|cmp|basic metabolic panel|"
        "comprehensive metabolic panel|sodium|na|potassium|^K|chloride|bicarbonate|hco3|bun|blood urea nitrogen|"
        "creatinine|cr|glucose|blood glucose|blood sugar|fasting glucose|fingerstick glucose|calcium|magnesium|"
        "phosphorus|a1c|hba1c|hemoglobin a1c|glycated hemoglobin|lipid panel|cholesterol|total cholesterol|ldl|hdl|"
        "triglycerides|tsh|free t4|^T4|^T3|^ALT|^AST|alkaline phosphatase|alk phos|bilirubin|total bilirubin|albumin|"
        "lfts|liver function tests|inr|pt/inr|ptt|aptt|troponin|bnp|nt-probnp|d-dimer|esr|sed rate|crp|"
        "c-reactive protein|urinalysis|^UA|urine culture|blood culture|blood cultures|lactate|lactic acid|abg|"
        "arterial blood gas|psa|ferritin|egfr|gfr|lipase|amylase|ammonia|cpk|procalcitonin|covid test|pcr|"
        "rapid strep test|strep test|culture|gram stain|blood pressure|^BP|heart rate|^HR|pulse|respiratory rate|"
        "^RR|resp rate|temperature|temp|oxygen saturation|o2 sat|o2 sats|spo2|sao2|pulse ox|pulse oximetry|weight|"
        "height|bmi|body mass index|vital signs|mri|mri scan|magnetic resonance imaging|ct|ct scan|cat scan|"
        "computed tomography|cta|x-ray|x-rays|xray|x ray|chest x-ray|cxr|radiograph|ultrasound|sonogram|"
        "echocardiogram|echo|tte|tee|ecg|ekg|electrocardiogram|eeg|emg|pet scan|pet/ct|mammogram|mammography|dexa|"
        "dexa scan|bone density scan|stress test|holter monitor|pap smear|pap test|spirometry|pft|pfts|"
        "pulmonary function tests|physical exam|physical examination|lab work|blood work|"
        "bloodwork|blood test|blood tests|urine test|urine drug screen|tox screen|^UDS|glasgow coma scale|^GCS|"
        "ejection fraction|^EF|lvef|eye exam|hearing test"
    ),
    ("PROCEDURE_NAME", T, 0.9): (
        "appendectomy|cholecystectomy|lap chole|colonoscopy|endoscopy|upper endoscopy|cardiac catheterization|"
        "heart catheterization|catheterization|cardiac cath|heart cath|left heart cath|biopsy|biopsies|surgery|"
        "surgeries|bypass surgery|coronary artery bypass|angioplasty|angiogram|angiography|coronary angiography|"
        "stent placement|stenting|^PCI|intubation|extubation|hysterectomy|mastectomy|lumpectomy|tonsillectomy|"
        "thyroidectomy|prostatectomy|nephrectomy|splenectomy|colectomy|gastrectomy|knee replacement|hip replacement|"
        "joint replacement|arthroplasty|total knee arthroplasty|total hip arthroplasty|arthroscopy|laparoscopy|"
        "laparotomy|c-section|cesarean section|caesarean section|thoracentesis|paracentesis|lumbar puncture|"
        "spinal tap|bronchoscopy|cystoscopy|transfusion|blood transfusion|incision and drainage|^I&D|debridement|"
        "amputation|ablation|cardioversion|pacemaker placement|pacemaker insertion|central line placement|"
        "vaccination|immunization|flu shot|circumcision|tooth extraction|cataract surgery|tracheostomy|gastrostomy|"
        "dilation and curettage|^D&C|vasectomy|tubal ligation|craniotomy|discectomy|laminectomy|spinal fusion|"
        "skin graft|hernia repair|transplant|kidney transplant|liver transplant|heart transplant|"
        "bone marrow transplant|cabg|ercp|egd"
    ),
    ("TREATMENT_NAME", T, 0.9): (
        "chemotherapy|chemo|radiation|radiation therapy|radiotherapy|^XRT|physical therapy|occupational therapy|"
        "speech therapy|dialysis|hemodialysis|peritoneal dialysis|immunotherapy|hormone therapy|"
        "hormone replacement therapy|^HRT|oxygen therapy|supplemental oxygen|home oxygen|cpap|bipap|"
        "mechanical ventilation|iv fluids|intravenous fluids|fluid resuscitation|antibiotic therapy|insulin therapy|"
        "cognitive behavioral therapy|^CBT|psychotherapy|counseling|therapy|rehabilitation|rehab|cardiac rehab|"
        "pulmonary rehab|phototherapy|acupuncture|wound care|nebulizer treatment|breathing treatments|"
        "anticoagulation|thrombolysis"
    ),
    ("TOBACCO_USE", B, 0.9): (
        "smokes|smoker|smokers|smoking|smoked|cigarette|cigarettes|cigs|cigar|cigars|pack-years|pack years|"
        "pack-year|pack year|tobacco|chewing tobacco|snuff|vapes|vaping|vape|e-cigarette|e-cigarettes|tobacco use|"
        "former smoker|ex-smoker|nonsmoker|non-smoker|smokes cigarettes|smoking cigarettes"
    ),
    ("ALCOHOL_CONSUMPTION", B, 0.9): (
        "alcohol|etoh|drinks|drink|drinker|drinking|drank|beer|beers|wine|liquor|alcoholic beverages|"
        "alcoholic drinks|alcohol use|social drinker|heavy drinker|binge drinking|vodka|whiskey|drinks alcohol|"
        "drinking alcohol|drink alcohol|uses alcohol"
    ),
    ("REC_DRUG_USE", B, 0.9): (
        "cocaine|crack cocaine|marijuana|marihuana|cannabis|thc|heroin|methamphetamine|meth|crystal meth|"
        "amphetamines|ecstasy|mdma|lsd|ivdu|ivda|iv drug use|intravenous drug use|injection drug use|illicit drugs|"
        "illicit drug use|recreational drugs|recreational drug use|street drugs|drug use|polysubstance use|kratom"
    ),
    ("ALLERGIES", B, 0.9): (
        "allergic to|allergies|allergy|nkda|nka|no known drug allergies|no known allergies|drug allergies|allergic"
    ),
    ("GENDER", B, 0.85): "male|female|man|woman|men|women|gentleman|gentlemen|lady|boy|girl|transgender",
    ("RACE_ETHNICITY", B, 0.85): (
        "caucasian|african american|african-american|hispanic|latino|latina|latinx|asian|asian american|"
        "native american|american indian|alaska native|pacific islander|native hawaiian|middle eastern|arab"
    ),
}

CURATED_ANATOMY: dict[tuple[str, Category, float], str] = {
    ("SYSTEM_ORGAN_SITE", A, 0.9): (
        "heart|lung|lungs|liver|kidney|kidneys|chest|abdomen|abdominal|belly|stomach|head|neck|back|arm|arms|leg|"
        "legs|knee|knees|hip|hips|shoulder|shoulders|elbow|elbows|wrist|wrists|ankle|ankles|foot|feet|hand|hands|"
        "finger|fingers|toe|toes|thigh|thighs|calf|calves|shin|face|facial|eye|eyes|ear|ears|nose|mouth|throat|"
        "tongue|teeth|tooth|jaw|skull|brain|spine|spinal|spinal cord|pelvis|pelvic|groin|buttock|buttocks|bladder|"
        "colon|bowel|bowels|intestine|intestines|rectum|prostate|uterus|ovary|ovaries|cervix|breast|breasts|skin|"
        "scalp|forehead|cheek|chin|lip|lips|gums|sinus|sinuses|thyroid|pancreas|spleen|gallbladder|esophagus|"
        "trachea|bronchus|bronchi|artery|arteries|vein|veins|aorta|carotid|coronary|coronary artery|"
        "coronary arteries|lymph node|lymph nodes|bone|bones|muscle|muscles|joint|joints|flank|epigastric|"
        "epigastrium|chest wall|rib|ribs|sternum|clavicle|femur|tibia|fibula|humerus|ulna|patella|vertebra|"
        "vertebrae|lumbar|thoracic|cardiac|pulmonary|renal|hepatic|gastric|cerebral|extremity|extremities|torso|"
        "perineum|genitals|vagina|penis|testicle|testicles|scrotum|urethra|ureter|heel|palm|axilla|armpit|forearm|"
        "lobe|lobes"
    ),
}

# A body site right before one of these becomes part of the condition ("knee pain", "leg swelling").
SITE_HEADS = _words(
    "pain ache aches tightness swelling tenderness discomfort numbness weakness rash mass lesion ulcer fracture "
    "injury wound bleeding infection cramp cramps cramping stiffness spasm spasms burn laceration bruise edema "
    "tingling"
)
# Body sites that are also common words: kept only inside or right before a condition ("back pain", not "came back").
AMBIGUOUS_SITES = frozenset({"back", "hand", "hands", "face", "head"})
POSITION_WORDS = frozenset({"right", "left", "bilateral", "upper", "lower", "anterior", "posterior"})
ANATOMY_STOP = _words(
    "accessory arch ascending descending common ectopic female male middle retained lobe ova chamber"
) | {"one artery", "two arteries", "three arteries", "four or more arteries", "conduction mechanism", "great vessel"}
ROOT_OPERATION_STOP = _words(
    "alteration change control creation destruction detachment division insertion inspection map occlusion release "
    "removal reposition supplement restriction revision transfer"
)
CONDITION_MODIFIERS = frozenset({"acute", "chronic", "subacute", "severe", "mild", "moderate", "sharp", "dull"})
CONDITION_STOP = _words(
    "cys sid sti mods drome hards arsons cruor scurf maids saids faids bends facies adipocere cadaver cadavers corpses "
    "convalescence convalescences recurrence recurrences recrudescence recrudescences teratogenesis neointima "
    "neointimas yangxu yinxu androgenization disease diseases syndrome syndromes disorder disorders illness "
    "condition conditions complication complications"
)
SHORT_OK = frozenset({"pus", "tic"})
DRUG_MESH_TREES = frozenset({"D20", "D26", "D27"})
DRUG_STOP = _words(
    "caps tris hops mops modus tetris vals sone pecans yeasts oats cloves capex cera dona gana hana kempi mayou rela "
    "relif ulix tasq teta titane planum sensit arima junik lonol chrom cobre cuivre hierro kupfer eisen banan calcio "
    "copal"
) | {"plan b"}
GENERIC_WORDS = _words(
    "acid sodium potassium calcium magnesium hydrochloride hcl sulfate sulphate phosphate acetate citrate chloride "
    "bromide extract oil vaccine human recombinant vitamin factor tartrate succinate maleate mesylate besylate "
    "fumarate hydrobromide gluconate carbonate oxide hydroxide anhydrous monohydrate dihydrate toxoid immune "
    "globulin insulin hormone serum antitoxin inhibitor inhibitors agent agents blocker blockers antagonist agonist "
    "saline dextrose"
)
# INN stems: a synonym ending in one is a spelling of the generic, not a brand.
GENERIC_STEM = re.compile(
    r"(?:mab|cept|tinib|ciclib|parib|zomib|pril|prilat|sartan|olol|alol|statin|azole|cillin|cycline|mycin|micin|"
    r"oxacin|tidine|prazole|.{6,}vir|parin|dipine|triptan|gliptin|gliflozin|glitazone|glinide|setron|lukast|dronate|"
    r"afil|oxetine|pramine|triptyline|azepam|azolam|barbital|caine|profen|fenac|coxib|semide|thiazide|zosin|terol|"
    r"olone|asone|relin|plase)$"
)
