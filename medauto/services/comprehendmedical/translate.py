"""Engine analyses -> Comprehend Medical response shapes (boto3-style dicts)."""

from __future__ import annotations

from typing import Any

from medauto.engines.text.types import Analysis, Mention, Relation, Trait


def _score(value: float) -> float:
    return round(float(value), 4)


def _traits(traits: list[Trait]) -> list[dict[str, Any]]:
    # Inlined _score: this runs for every entity and attribute of a batch.
    return [{"Name": str(t.name), "Score": round(float(t.score), 4)} for t in traits] if traits else []


def _base(mention: Mention) -> dict[str, Any]:
    span = mention.span
    return {
        "Id": mention.id,
        "BeginOffset": span.begin,
        "EndOffset": span.end,
        "Score": round(float(span.score), 4),
        "Text": span.text,
        "Category": str(span.category),
        "Type": span.label,
        "Traits": _traits(mention.traits),
    }


def attribute(relation: Relation) -> dict[str, Any]:
    out = _base(relation.attribute)
    out["RelationshipScore"] = _score(relation.score)
    out["RelationshipType"] = relation.relation_type
    return out


def entity(mention: Mention) -> dict[str, Any]:
    out = _base(mention)
    if mention.relations:  # AWS omits Attributes when there are none
        out["Attributes"] = [attribute(r) for r in mention.relations]
    return out


def entities_result(analysis: Analysis) -> dict[str, Any]:
    """DetectEntitiesV2 / DetectEntities: Entities sorted by offset, UnmappedAttributes, ModelVersion."""
    result: dict[str, Any] = {
        "Entities": [entity(m) for m in sorted(analysis.mentions, key=lambda m: (m.span.begin, m.span.end))],
        "ModelVersion": analysis.model_version,
    }
    if analysis.unmapped:
        result["UnmappedAttributes"] = [
            {"Type": str(m.span.category), "Attribute": _base(m)}
            for m in sorted(analysis.unmapped, key=lambda m: m.span.begin)
        ]
    return result


def phi_result(analysis: Analysis) -> dict[str, Any]:
    return {
        "Entities": [entity(m) for m in sorted(analysis.mentions, key=lambda m: m.span.begin)],
        "ModelVersion": analysis.model_version,
    }


# What the InferICD10CM shapes allow (botocore model enums).
ICD10_TRAITS = frozenset(
    {"NEGATION", "DIAGNOSIS", "SIGN", "SYMPTOM", "PERTAINS_TO_FAMILY", "HYPOTHETICAL", "LOW_CONFIDENCE"}
)
ICD10_ATTRIBUTES = frozenset(
    {"ACUITY", "DIRECTION", "SYSTEM_ORGAN_SITE", "QUALITY", "QUANTITY", "TIME_TO_DX_NAME", "TIME_EXPRESSION"}
)
ICD10_RELATIONS = frozenset({"OVERLAP", "SYSTEM_ORGAN_SITE", "QUALITY"})


def _icd10_attribute(relation: Relation) -> dict[str, Any]:
    out = _base(relation.attribute)
    out["Traits"] = [t for t in out["Traits"] if t["Name"] in ICD10_TRAITS]
    out["RelationshipScore"] = _score(relation.score)
    if relation.relation_type in ICD10_RELATIONS:
        out["RelationshipType"] = relation.relation_type
    return out


def icd10cm_result(linked: list[tuple[Mention, list[Any]]], model_version: str) -> dict[str, Any]:
    entities = []
    for mention, concepts in linked:
        out = _base(mention)
        out["Traits"] = [t for t in out["Traits"] if t["Name"] in ICD10_TRAITS]
        attributes = [_icd10_attribute(r) for r in mention.relations if r.attribute.span.label in ICD10_ATTRIBUTES]
        if attributes:
            out["Attributes"] = attributes
        out["ICD10CMConcepts"] = [
            {"Description": c.description, "Code": c.code, "Score": _score(c.score)} for c in concepts
        ]
        entities.append(out)
    return {"Entities": entities, "ModelVersion": model_version}


RXNORM_TRAITS = frozenset({"NEGATION", "PAST_HISTORY"})
RXNORM_ATTRIBUTES = frozenset({"DOSAGE", "DURATION", "FORM", "FREQUENCY", "RATE", "ROUTE_OR_MODE", "STRENGTH"})
SNOMED_ENTITY_TYPES = frozenset({"DX_NAME", "TEST_NAME", "PROCEDURE_NAME", "TREATMENT_NAME"})
SNOMED_ATTRIBUTES = frozenset({"ACUITY", "QUALITY", "DIRECTION", "SYSTEM_ORGAN_SITE", "TEST_VALUE", "TEST_UNIT"})
SNOMED_RELATIONS = frozenset(
    {"ACUITY", "QUALITY", "TEST_VALUE", "TEST_UNITS", "DIRECTION", "SYSTEM_ORGAN_SITE", "TEST_UNIT"}
)


def _concepts(concepts: list[Any]) -> list[dict[str, Any]]:
    return [{"Description": c.description, "Code": c.code, "Score": _score(c.score)} for c in concepts]


def rxnorm_result(linked: list[tuple[Mention, list[Any]]], model_version: str) -> dict[str, Any]:
    entities = []
    for mention, concepts in linked:
        out = _base(mention)
        out["Traits"] = [t for t in out["Traits"] if t["Name"] in RXNORM_TRAITS]
        attributes = []
        for relation in mention.relations:
            if relation.attribute.span.label in RXNORM_ATTRIBUTES:
                attribute = _base(relation.attribute)
                del attribute["Category"]  # RxNormAttribute has no Category nor RelationshipType
                attribute["RelationshipScore"] = _score(relation.score)
                attributes.append(attribute)
        if attributes:
            out["Attributes"] = attributes
        out["RxNormConcepts"] = _concepts(concepts)
        entities.append(out)
    return {"Entities": entities, "ModelVersion": model_version}


def snomed_result(links: list[Any], details: dict[str, str], text: str, model_version: str) -> dict[str, Any]:
    entities = []
    for link in links:
        mention: Mention = link.mention
        if mention.span.label not in SNOMED_ENTITY_TYPES:
            continue
        out = _base(mention)
        attributes = []
        for relation in mention.relations:
            if relation.attribute.span.label not in SNOMED_ATTRIBUTES:
                continue
            attribute = _base(relation.attribute)
            attribute["RelationshipScore"] = _score(relation.score)
            if relation.relation_type in SNOMED_RELATIONS:
                attribute["RelationshipType"] = relation.relation_type
            attribute["SNOMEDCTConcepts"] = _concepts(link.attributes.get(relation.attribute.id, []))
            attributes.append(attribute)
        if attributes:
            out["Attributes"] = attributes
        out["SNOMEDCTConcepts"] = _concepts(link.concepts)
        entities.append(out)
    return {
        "Entities": entities,
        "ModelVersion": model_version,
        "SNOMEDCTDetails": {
            "Edition": details.get("edition", ""),
            "Language": details.get("language", ""),
            "VersionDate": details.get("version_date") or details.get("version", ""),
        },
        "Characters": {"OriginalTextCharacters": len(text)},
    }
