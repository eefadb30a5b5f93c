"""How the API answers bad input and missing records.

Every failure has a body a client can show a person: {"detail": ...} and, for bad input,
{"errors": {field: message}} with the field named in plain words. Out of scope and
nonexistent give the same 404 body, whatever DEBUG says."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from sendesk.lib.errors import ServiceError

from .common import NOT_FOUND

PARSE_ERROR_PREFIX = "Cannot parse request body"
NOT_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object, {...}."


class BodyNotAnObject(ValueError):
    pass


# What an operation's bad-input answers (400, 422) carry beyond {"detail", "errors"}, by the
# operation's URL name: a dose refusal has one shape whatever refused it, so a client reads
# "rule" on every answer (see api.medication). The OpenAPI document declares the same.
_BAD_INPUT_EXTRA: dict[str, dict] = {}


def bad_input_fields(url_name: str, **fields) -> None:
    _BAD_INPUT_EXTRA[url_name] = fields


def _bad_input(request, body: dict) -> dict:
    match = getattr(request, "resolver_match", None)
    extra = _BAD_INPUT_EXTRA.get(match.url_name if match else "", {})
    return {**body, **extra}


class ObjectParser(Parser):
    """Every body this API takes is a JSON object. Ninja would read a list or a string as
    an object with every field missing, and say so field by field; this says what is wrong."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotAnObject
        return data


def _label(parts) -> str:
    """('pupils', 0, 'target_progress', 1, 'rating') -> 'pupil 1, target progress 2, rating'."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, int) and words:
            name = words[-1]
            if name.endswith("ies"):
                name = name[:-3] + "y"
            elif name.endswith("s") and not name.endswith("ss"):
                name = name[:-1]
            words[-1] = f"{name} {part + 1}"
        elif isinstance(part, int):
            words.append(f"item {part + 1}")
        else:
            words.append(str(part).replace("_", " "))
    return ", ".join(words)


def _phrase(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind.startswith("uuid"):
        return "must be an id in UUID form, e.g. 0b8f0a5e-6c1d-4f0e-9a51-2d6f3c1b7e42"
    if kind.startswith("datetime"):
        return "must be a date and time written YYYY-MM-DDTHH:MM, e.g. 2026-11-18T09:15"
    if kind.startswith("date"):
        return "must be a date written YYYY-MM-DD, e.g. 2026-11-18"
    if kind.startswith("time"):
        return "must be a time written HH:MM, e.g. 09:15"
    if kind.startswith("int") or kind == "float_type":
        return "must be a whole number"
    if kind.startswith("bool"):
        return "must be true or false"
    if kind == "string_type":
        return "must be text"
    if kind == "list_type":
        return "must be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a JSON object"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind in ("enum", "literal_error"):
        return f"must be one of {ctx.get('expected')}"
    return (error.get("msg") or "is not valid").rstrip(".").lower()


def field_errors(errors: list[dict]) -> dict[str, str]:
    """Ninja's pydantic errors as {path: message}; the first message per field wins."""
    out: dict[str, str] = {}
    for error in errors:
        source, *parts = error.get("loc") or ("body",)
        if source == "body" and parts:
            parts = parts[1:]  # the view's parameter name means nothing to a client
        key = ".".join(str(p) for p in parts) or source
        label = _label(parts) if parts else f"the request {source}"
        if key not in out:
            message = f"{label} {_phrase(error)}."
            out[key] = message[0].upper() + message[1:]
    return out


def _summary(errors: dict[str, str]) -> str:
    return " ".join(errors.values())


def install(api: NinjaAPI) -> None:
    def not_found(request, exc):
        return api.create_response(request, NOT_FOUND, status=404)

    def validation_error(request, exc: ValidationError):
        # A malformed id in the path is an id that does not exist: the same 404.
        if any((e.get("loc") or ("",))[0] == "path" for e in exc.errors):
            return not_found(request, exc)
        errors = field_errors(exc.errors)
        body = _bad_input(request, {"detail": _summary(errors), "errors": errors})
        return api.create_response(request, body, status=422)

    def service_error(request, exc: ServiceError):
        body = {"detail": _summary(exc.errors), "errors": exc.errors}
        return api.create_response(request, body, status=exc.status)

    def unauthenticated(request, exc):
        body = {
            "detail": "Send a valid API token: 'Authorization: Bearer <token>'. "
            "Get one from POST /api/v1/auth/token."
        }
        response = api.create_response(request, body, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith(PARSE_ERROR_PREFIX):
            if isinstance(exc.__cause__, BodyNotAnObject):
                body = {"detail": NOT_AN_OBJECT, "errors": {"body": NOT_AN_OBJECT}}
                return api.create_response(request, _bad_input(request, body), status=422)
            body = {"detail": NOT_JSON, "errors": {"body": NOT_JSON}}
            return api.create_response(request, _bad_input(request, body), status=400)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(ServiceError, service_error)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
