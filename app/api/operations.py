"""Each API operation declared once: the route, its checks and its OpenAPI description.

``@operation(...)`` registers a view on the API blueprint and records an
:class:`Operation`; the wrapper it puts around the view authenticates the bearer
token, checks the scope and the role, parses every parameter and the JSON body as
declared, and refuses anything else with a problem document (RFC 9457). The OpenAPI
document (``openapi_document``) is written from the same records, so a handler cannot
take a parameter, a body or a role the document does not state.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from jsonschema import Draft202012Validator

from app.accounts.models import Role
from app.api import services
from app.api.params import BadParameter, Param
from app.api.schemas import COMPONENTS, ref
from app.api.services import Principal
from app.problems import MEDIA_TYPE, problem

#: The largest JSON body the API reads.
MAX_BODY_BYTES = 16 * 1024
#: The longest integer literal a body may hold (larger ones are refused, not parsed).
MAX_INTEGER_DIGITS = 15


class ApiProblem(Exception):
    """Refuse the request with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind = status, detail, kind
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> Response:
        """The problem+json response."""
        return problem(self.status, self.detail, kind=self.kind, headers=self.headers, **self.extra)


@dataclass(frozen=True)
class Access:
    """Who may call an operation: anyone, or a token with ``scope`` whose owner has a role."""

    scope: str | None
    roles: frozenset[Role] = frozenset()
    label: str = "public"


PUBLIC = Access(None, label="public")
SIGNED_IN = Access("read", frozenset(Role), "any account (read scope)")
PROVIDER_READ = Access("read", frozenset({Role.ADMIN}), "administrators (read scope)")
PROVIDER_WRITE = Access("write", frozenset({Role.ADMIN}), "administrators (write scope)")


@dataclass(frozen=True)
class Call:
    """What the wrapper hands a view: the caller (None when public), parameters and body."""

    principal: Principal | None
    args: dict[str, Any]
    body: Any = None

    @property
    def who(self) -> Principal:
        """The caller of an authenticated operation."""
        assert self.principal is not None, "public operations have no caller"
        return self.principal


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the OpenAPI document describes it."""

    operation_id: str
    method: str
    rule: str
    summary: str
    description: str
    tag: str
    access: Access
    params: tuple[Param, ...]
    #: The 2xx status and the component schema of its body (None: no body).
    success: tuple[int, str | None]
    #: The component schema of the JSON request body, if any.
    body: str | None = None
    #: A form-encoded request body's component schema (the OAuth token endpoint).
    form: str | None = None
    #: Statuses this operation answers besides the ones every operation may.
    extra: dict[int, str] = field(default_factory=dict)
    cors: bool = False

    @property
    def path(self) -> str:
        """The OpenAPI path template: ``/courses/{slug}`` for ``/courses/<slug>``."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)


REGISTRY: list[Operation] = []


def _authenticate(access: Access) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    challenge = 'Bearer realm="groundwork-api"'
    if scheme.lower() != "bearer" or not credentials.strip():
        raise ApiProblem(
            401,
            "Send a token: Authorization: Bearer <token>.",
            kind="unauthenticated",
            headers={"WWW-Authenticate": challenge},
        )
    principal = services.authenticate(credentials.strip())
    if principal is None:
        raise ApiProblem(
            401,
            "The token is unknown, expired or revoked.",
            kind="invalid-token",
            headers={"WWW-Authenticate": f'{challenge}, error="invalid_token"'},
            error="invalid_token",
        )
    if not principal.user.has_role(*access.roles):
        raise ApiProblem(403, "Your role may not use this operation.", kind="forbidden")
    if access.scope == "write" and not principal.can_write:
        raise ApiProblem(
            403,
            "This operation needs a token with the write scope.",
            kind="insufficient-scope",
            headers={"WWW-Authenticate": f'{challenge}, error="insufficient_scope", scope="write"'},
            error="insufficient_scope",
        )
    g.api_principal = principal
    return principal


def _parse_params(op: Operation, path_values: dict[str, Any]) -> dict[str, Any]:
    declared = {p.name for p in op.params if p.location == "query"}
    unknown = sorted(set(request.args) - declared)
    if unknown:
        raise ApiProblem(400, f"Unknown query parameter: {unknown[0]}.", kind="bad-parameter")
    values: dict[str, Any] = {}
    for param in op.params:
        if param.location == "path":
            raw = str(path_values[param.name])
        else:
            given = request.args.getlist(param.name)
            if len(given) > 1:
                raise ApiProblem(400, f"Give {param.name} once.", kind="bad-parameter")
            if not given:
                if param.required:
                    raise ApiProblem(400, f"{param.name} is required.", kind="bad-parameter")
                values[param.name] = param.default
                continue
            raw = given[0]
        try:
            values[param.name] = param.parse(raw)
        except BadParameter as error:
            status = 404 if param.location == "path" else 400
            raise ApiProblem(status, str(error), kind="bad-parameter") from error
    return values


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the member {key!r} appears twice")
        found[key] = value
    return found


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError("a number is too large")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number is too large")
    return value


def parse_json(data: bytes) -> Any:
    """Strict JSON: UTF-8, no duplicate members, no NaN or Infinity, no huge numbers."""
    return json.loads(
        data.decode("utf-8"),
        object_pairs_hook=_no_duplicates,
        parse_constant=_refuse_constant,
        parse_int=_integer,
        parse_float=_finite,
    )


def _parse_body(schema_name: str) -> Any:
    if request.mimetype != "application/json":
        raise ApiProblem(415, "Send the body as application/json.", kind="unsupported-media-type")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiProblem(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    data = request.get_data(cache=False)
    if len(data) > MAX_BODY_BYTES:
        raise ApiProblem(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = parse_json(data)
    except (ValueError, UnicodeError, RecursionError) as error:
        raise ApiProblem(
            400, f"The body is not valid JSON: {error}.", kind="malformed-json"
        ) from error
    errors = sorted(
        Draft202012Validator(COMPONENTS[schema_name]).iter_errors(body), key=lambda e: e.path
    )
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "the body"
        raise ApiProblem(
            422, f"{where}: {first.message[:300]}", kind="invalid-body", errors=len(errors)
        )
    return body


def _respond(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        response = result
    else:
        status = op.success[0]
        if isinstance(result, tuple):
            result, status = result
        response = jsonify(result) if op.success[1] is not None else Response(status=status)
        response.status_code = status
    if op.cors:
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Cache-Control", "no-store" if op.access.scope else "no-cache")
    return response


def operation(
    bp: Blueprint,
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    tag: str,
    access: Access,
    success: tuple[int, str | None],
    params: tuple[Param, ...] = (),
    body: str | None = None,
    form: str | None = None,
    extra: dict[int, str] | None = None,
    cors: bool = False,
) -> Callable[[Callable[[Call], Any]], Callable[..., Response]]:
    """Register ``view`` at ``rule`` and describe it; the view's docstring is the description."""

    def decorator(view: Callable[[Call], Any]) -> Callable[..., Response]:
        op = Operation(
            operation_id=view.__name__,
            method=method,
            rule=rule,
            summary=summary,
            description=(view.__doc__ or "").strip(),
            tag=tag,
            access=access,
            params=params,
            success=success,
            body=body,
            form=form,
            extra=extra or {},
            cors=cors,
        )
        REGISTRY.append(op)

        def wrapped(**path_values: Any) -> Response:
            principal = _authenticate(access) if access.scope else None
            args = _parse_params(op, path_values)
            parsed = _parse_body(body) if body else None
            return _respond(op, view(Call(principal, args, parsed)))

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        bp.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        return wrapped

    return decorator


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": ref("Problem")}}}


def _responses(op: Operation) -> dict[str, Any]:
    status, schema = op.success
    found: dict[str, Any] = {}
    if schema is None:
        found[str(status)] = {"description": "Done; no content."}
    else:
        found[str(status)] = {
            "description": "Success.",
            "content": {"application/json": {"schema": ref(schema)}},
        }
    found["400"] = _problem_response("A parameter or the body is malformed or unknown.")
    if op.access.scope or op.form:
        found["401"] = _problem_response("No valid credentials.")
    if op.access.scope:
        found["403"] = _problem_response("The token's role or scope does not allow this.")
    if any(p.location == "path" for p in op.params):
        found["404"] = _problem_response("Nothing with that identifier here.")
    if op.body:
        found["413"] = _problem_response("The body is too large.")
        found["415"] = _problem_response("The body is not application/json.")
        found["422"] = _problem_response("The body does not match the schema.")
    for code, description in op.extra.items():
        found[str(code)] = _problem_response(description)
    found["429"] = _problem_response("Too many requests; wait for Retry-After seconds.")
    return dict(sorted(found.items()))


def _describe(op: Operation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": op.description
        + f"\n\nWho may call it: {op.access.label}."
        + ("\n\nCORS: any origin may call it from a browser." if op.cors else ""),
        "tags": [op.tag],
        "parameters": [p.document() for p in op.params],
        "responses": _responses(op),
    }
    if op.access.scope:
        scopes = ["read"] if op.access.scope == "read" else ["read", "write"]
        item["security"] = [{"bearerToken": []}, {"clientCredentials": scopes}]
    elif op.form:
        item["security"] = [{"clientBasic": []}]
    else:
        item["security"] = []
    if op.body:
        item["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body)}},
        }
    if op.form:
        item["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": ref(op.form)}},
        }
    return item


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered operation."""
    site = current_app.config["SITE_URL"].rstrip("/")
    paths: dict[str, dict[str, Any]] = {}
    for op in REGISTRY:
        paths.setdefault(op.path, {})[op.method.lower()] = _describe(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Groundwork API",
            "version": "1.0.0",
            "summary": "Courses, learners' records and CE records of a Groundwork site.",
            "description": (
                "Errors are RFC 9457 problem details (application/problem+json). Lists are "
                "paged with opaque cursors: pass `next_cursor` back as `cursor` with the same "
                "filters. Rate limits are counted per token (per address without one); a "
                "refusal says when to retry in Retry-After."
            ),
        },
        "servers": [{"url": f"{site}/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from the account page.",
                },
                "clientCredentials": {
                    "type": "oauth2",
                    "description": "A provider's system, registered by an administrator.",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": f"{site}/api/v1/oauth/token",
                            "scopes": {"read": "Read records.", "write": "Change webhooks."},
                        }
                    },
                },
                "clientBasic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "The OAuth client's id and secret (client_secret_basic).",
                },
            },
        },
    }
