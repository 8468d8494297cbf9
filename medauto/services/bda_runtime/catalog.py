"""How the runtime finds projects and blueprints (the control plane stores them) and snapshots them per call."""

from __future__ import annotations

from typing import Any, Protocol

from medauto.protocols.errors import ServiceError
from medauto.services.bda.lookup import find_blueprint, find_project
from medauto.services.bda.public_default import is_public_default, public_default_project
from medauto.storage.resources import ResourceStore


class Catalog(Protocol):
    def find_project(self, account_id: str, project_arn: str, stage: str | None) -> dict[str, Any] | None:
        """The GetDataAutomationProject ``project`` shape, or None."""
        ...

    def find_blueprint(
        self, account_id: str, blueprint_arn: str, version: str | None, stage: str | None
    ) -> dict[str, Any] | None:
        """The GetBlueprint ``blueprint`` shape (service-owned samples included), or None."""
        ...


class InMemoryCatalog:
    """For tests: projects and blueprints keyed by ARN."""

    def __init__(self) -> None:
        self.projects: dict[str, dict[str, Any]] = {}
        self.blueprints: dict[str, dict[str, Any]] = {}

    def find_project(self, account_id: str, project_arn: str, stage: str | None) -> dict[str, Any] | None:
        return self.projects.get(project_arn)

    def find_blueprint(
        self, account_id: str, blueprint_arn: str, version: str | None, stage: str | None
    ) -> dict[str, Any] | None:
        return self.blueprints.get(blueprint_arn)


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
    return {"project": project, "blueprints": blueprints}


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
