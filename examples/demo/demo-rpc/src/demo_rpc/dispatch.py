"""Requests and responses as JSON text; methods registered by name."""

from __future__ import annotations

import json
from typing import Any, Callable

from demo_core import Version, slugify

try:  # the "schema" extra: check parameters before a method sees them
    from demo_schema import Schema, SchemaError
except ImportError:  # pragma: no cover - depends on the installed extra
    Schema = None  # type: ignore[assignment,misc]
    SchemaError = None  # type: ignore[assignment,misc]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Dispatcher:
    """Maps method names to functions that take keyword parameters."""

    def __init__(self, version: str = "1.0.0") -> None:
        self.version = Version.parse(version)
        self._methods: dict[str, tuple[Callable[..., Any], Any]] = {}

    def register(self, name: str, func: Callable[..., Any], params: Any = None) -> None:
        """Register ``func`` as ``name``; ``params`` is a demo_schema.Schema (needs the extra)."""
        if slugify(name, sep=".") != name:
            raise ValueError(f"method name {name!r} must be lower-case words joined by '.'")
        if name in self._methods:
            raise ValueError(f"method {name!r} is already registered")
        if params is not None and Schema is None:
            raise RuntimeError("parameter schemas need demo-rpc[schema]")
        self._methods[name] = (func, params)

    @property
    def methods(self) -> list[str]:
        return sorted(self._methods)

    def handle(self, text: str) -> str:
        """One request as JSON text in, one response as JSON text out; never raises."""
        request_id = None
        try:
            try:
                request = json.loads(text)
            except json.JSONDecodeError as exc:
                raise RpcError(PARSE_ERROR, f"parse error: {exc.msg}") from None
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise RpcError(INVALID_REQUEST, "expected an object with a string 'method'")
            request_id = request.get("id")
            result = self.call(request["method"], request.get("params", {}))
            response: dict[str, Any] = {"id": request_id, "result": result}
        except RpcError as exc:
            response = {"id": request_id, "error": {"code": exc.code, "message": exc.message}}
        return json.dumps(response, sort_keys=True)

    def call(self, method: str, params: Any) -> Any:
        if method == "rpc.describe":
            return {"version": str(self.version), "methods": self.methods}
        entry = self._methods.get(method)
        if entry is None:
            raise RpcError(METHOD_NOT_FOUND, f"no method {method!r}")
        func, schema = entry
        if not isinstance(params, dict):
            raise RpcError(INVALID_PARAMS, "params must be an object")
        if schema is not None:
            try:
                params = schema.validate(params)
            except SchemaError as exc:
                raise RpcError(INVALID_PARAMS, str(exc)) from None
        try:
            return func(**params)
        except TypeError as exc:
            raise RpcError(INVALID_PARAMS, str(exc)) from None
        except Exception as exc:  # a method's bug becomes an error response, not a crash
            raise RpcError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}") from None
