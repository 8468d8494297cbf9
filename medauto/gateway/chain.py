"""The ordered request pipeline and its exception handling.

route -> authenticate -> parse -> validate -> dispatch -> serialize. Every failure leaves as an error in the
protocol the caller spoke; a caller's mistake is never a 500 and never a stack trace on the wire.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from botocore.model import ServiceModel

from medauto.gateway.dispatch import Dispatcher
from medauto.protocols.errors import InvalidEncodingError, ServiceError, internal_error
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.routing import CODECS, Route, guess_protocol, resolve
from medauto.protocols.sigv4 import AuthResult, SigV4Verifier, parse_authorization
from medauto.protocols.specs import SERVICE_INFO, Service, service_model
from medauto.protocols.validate import MAX_LENGTH_ERROR_CODES, validate_input
from medauto.services.context import RequestContext

log = logging.getLogger("medauto.gateway")


@dataclass(frozen=True)
class Identity:
    access_key: str | None
    account_id: str
    region: str


class Gateway:
    def __init__(
        self,
        dispatcher: Dispatcher,
        verifier: SigV4Verifier | None,
        default_account: str,
        default_region: str,
    ) -> None:
        self._dispatcher = dispatcher
        self._verifier = verifier
        self._default_account = default_account
        self._default_region = default_region

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        route: Route | None = None
        try:
            route = resolve(request)
            identity = self._authenticate(request, route)
            codec = CODECS[route.protocol]
            params = codec.parse_request(request, route.operation, route.path_params)
            info = SERVICE_INFO[route.service]
            validate_input(
                route.operation,
                params,
                error_code=info.validation_error,
                max_length_error_codes=MAX_LENGTH_ERROR_CODES.get(route.service),
            )
            context = RequestContext(
                request=request,
                request_id=request_id,
                service=route.service,
                protocol=route.protocol,
                operation=route.operation.name,
                account_id=identity.account_id,
                region=identity.region,
                access_key=identity.access_key,
            )
            response = codec.serialize_response(route.operation, self._dispatcher.dispatch(context, params))
        except ServiceError as error:
            if isinstance(error, InvalidEncodingError) and route is not None:
                modeled = SERVICE_INFO[route.service].encoding_error
                if modeled:
                    error = ServiceError(modeled, error.message, 400)
            response = self.error_response(request, error, route)
            level = logging.WARNING if error.status >= 500 else logging.DEBUG
            log.log(level, "%s %s -> %s %s: %s", request.method, request.path, error.status, error.code, error.message)
        except Exception:
            log.exception("unhandled error on %s %s (request %s)", request.method, request.path, request_id)
            response = self.error_response(request, internal_error(), route)
        response.headers["x-amzn-requestid"] = request_id
        return response

    def error_response(self, request: HttpRequest, error: ServiceError, route: Route | None = None) -> HttpResponse:
        service: Service | None
        if route is not None:
            service, protocol = route.service, route.protocol
        else:
            service, protocol = guess_protocol(request)
        model: ServiceModel | None = service_model(service) if service is not None else None
        return CODECS[protocol].serialize_error(model, error)

    def _authenticate(self, request: HttpRequest, route: Route) -> Identity:
        expected = SERVICE_INFO[route.service].signing_name
        if self._verifier is None:
            header = parse_authorization(request.header("authorization"))
            region = header.region if header is not None else self._default_region
            return Identity(header.access_key if header else None, self._default_account, region)
        result: AuthResult = self._verifier.verify(request)
        if result.signing_name != expected:
            raise ServiceError(
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{expected}'.",
                403,
            )
        return Identity(result.access_key, result.account_id, result.region)
