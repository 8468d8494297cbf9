"""How the runtime finds projects, blueprints and the vocabulary of linked libraries (the control plane stores
them) and snapshots them per call, so a job never reads the control plane while it runs."""

from __future__ import annotations

from typing import Any, NotRequired, Protocol, TypedDict, cast

from medauto.protocols.errors import ServiceError
from medauto.services.bda.lookup import find_blueprint, find_project, find_vocabulary
from medauto.services.bda.public_default import is_public_default, public_default_project
from medauto.storage.resources import ResourceStore

# Phrases one invocation carries. The prompt of the recognizer holds a few dozen; the rest serve display forms.
# The bound keeps a huge library from bloating every job record.
MAX_PHRASES = 10_000


class VocabularyEntry(TypedDict):
    """One phrase of a linked library, with the language of its entity (a BDA code: "EN", "CN", ...)."""

    text: str
    displayAsText: NotRequired[str]
    language: str


class Catalog(Protocol):
    def find_project(self, account_id: str, project_arn: str, stage: str | None) -> dict[str, Any] | None:
        """The GetDataAutomationProject ``project`` shape, or None."""
        ...

    def find_blueprint(
        self, account_id: str, blueprint_arn: str, version: str | None, stage: str | None
    ) -> dict[str, Any] | None:
        """The GetBlueprint ``blueprint`` shape (service-owned samples included), or None."""
        ...

    def find_vocabulary(self, account_id: str, library_arn: str, limit: int) -> list[VocabularyEntry] | None:
        """The first ``limit`` phrases of a library's VOCABULARY entities, or None when there is no such library."""
        ...


class InMemoryCatalog:
    """For tests: projects, blueprints and library vocabularies keyed by ARN."""

    def __init__(self) -> None:
        self.projects: dict[str, dict[str, Any]] = {}
        self.blueprints: dict[str, dict[str, Any]] = {}
        self.vocabularies: dict[str, list[VocabularyEntry]] = {}

    def find_project(self, account_id: str, project_arn: str, stage: str | None) -> dict[str, Any] | None:
        return self.projects.get(project_arn)

    def find_blueprint(
        self, account_id: str, blueprint_arn: str, version: str | None, stage: str | None
    ) -> dict[str, Any] | None:
        return self.blueprints.get(blueprint_arn)

    def find_vocabulary(self, account_id: str, library_arn: str, limit: int) -> list[VocabularyEntry] | None:
        found = self.vocabularies.get(library_arn)
        return None if found is None else found[:limit]


def _invalid(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def snapshot(catalog: Catalog, account_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Resolve the request's project and blueprints now; unknown ones are the caller's mistake."""
    config = params.get("dataAutomationConfiguration")
    project: dict[str, Any] | None = None
    if config:
        arn = config["dataAutomationProjectArn"]
        stage = config.get("stage", "LIVE")
        if is_public_default(arn):  # service-owned, in every account, with the documented defaults
            project = public_default_project(arn, stage)
        else:
            owner = arn.split(":")[4]
            found = catalog.find_project(account_id, arn, stage) if owner == account_id else None
            if found is None:
                raise _invalid(f"The data automation project {arn} (stage {stage}) was not found in this account.")
            project = found
    listed = params.get("blueprints") or (
        [
            {"blueprintArn": b["blueprintArn"], "version": b.get("blueprintVersion"), "stage": b.get("blueprintStage")}
            for b in ((project or {}).get("customOutputConfiguration") or {}).get("blueprints", [])
        ]
    )
    blueprints = []
    for ref in listed:
        found = catalog.find_blueprint(account_id, ref["blueprintArn"], ref.get("version"), ref.get("stage"))
        if found is None:
            raise _invalid(f"The blueprint {ref['blueprintArn']} was not found.")
        blueprints.append(found)
    return {"project": project, "blueprints": blueprints, "vocabulary": _vocabulary(catalog, account_id, project)}


def _vocabulary(catalog: Catalog, account_id: str, project: dict[str, Any] | None) -> list[VocabularyEntry]:
    """The phrases of the libraries the project links (the control plane refuses to delete a linked library, so
    one that is missing was never there: it adds nothing)."""
    phrases: list[VocabularyEntry] = []
    linked = ((project or {}).get("dataAutomationLibraryConfiguration") or {}).get("libraries") or []
    for item in linked:
        found = catalog.find_vocabulary(account_id, item["libraryArn"], MAX_PHRASES - len(phrases))
        phrases.extend(found or [])
    return phrases


class StoreCatalog:
    """The control plane's resource store, read through the same views its Get operations answer with."""

    def __init__(self, store: ResourceStore) -> None:
        self._store = store

    def find_project(self, account_id: str, project_arn: str, stage: str | None) -> dict[str, Any] | None:
        return find_project(self._store, account_id, project_arn, stage)

    def find_blueprint(
        self, account_id: str, blueprint_arn: str, version: str | None, stage: str | None
    ) -> dict[str, Any] | None:
        return find_blueprint(self._store, account_id, blueprint_arn, version, stage)

    def find_vocabulary(self, account_id: str, library_arn: str, limit: int) -> list[VocabularyEntry] | None:
        # find_vocabulary builds exactly the VocabularyEntry shape.
        return cast("list[VocabularyEntry] | None", find_vocabulary(self._store, account_id, library_arn, limit))
