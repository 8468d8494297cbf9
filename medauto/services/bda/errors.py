"""The control plane's modeled errors, with the status codes the model gives them."""

from __future__ import annotations

from medauto.protocols.errors import ServiceError


def validation(message: str, field: str | None = None) -> ServiceError:
    fields = {"fieldList": [{"name": field, "message": message}]} if field else {}
    return ServiceError("ValidationException", message, 400, fields=fields)


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 404)


def conflict(message: str) -> ServiceError:
    return ServiceError("ConflictException", message, 409)


def access_denied(message: str) -> ServiceError:
    return ServiceError("AccessDeniedException", message, 403)


def quota_exceeded(message: str) -> ServiceError:
    return ServiceError("ServiceQuotaExceededException", message, 402)


def busy(message: str) -> ServiceError:
    # Retried by botocore's standard retry mode, which is what a caller racing its own retry wants.
    return ServiceError("ThrottlingException", message, 429)
