"""Turn the tutor's dataclasses into JSON-ready dicts and back, checked against their hints."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


class DecodeError(ValueError):
    """A document does not match the dataclass it should describe."""


def encode(value: object) -> Any:
    """A JSON-ready copy of a dataclass instance (tuples become lists, nesting is kept)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: encode(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


def decode(cls: type[T], document: object) -> T:
    """Rebuild a ``cls`` instance from ``encode``'s output. Raises DecodeError on any mismatch.

    Fields missing from the document take their dataclass default, so adding a field with a
    default to the model does not invalidate documents written before it.
    """
    return typing.cast(T, _decode(cls, document, cls.__name__))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: object, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [arg for arg in args if arg is not type(None)]
        errors = []
        for option in options:
            try:
                return _decode(option, value, where)
            except DecodeError as exc:
                errors.append(str(exc))
        raise DecodeError("; ".join(errors))
    if origin is typing.Literal:
        if value not in args:
            raise DecodeError(f"{where}: {value!r} is not one of {args}")
        return value
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise DecodeError(f"{where}: expected a list, got {type(value).__name__}")
        item_hint = args[0] if args else Any
        items = [_decode(item_hint, item, f"{where}[{i}]") for i, item in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
        value_hint = args[1] if args else Any
        return {str(k): _decode(value_hint, v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass(hint, value, where)
    return _decode_scalar(hint, value, where)


def _decode_dataclass(cls: type, value: object, where: str) -> Any:
    if not isinstance(value, dict):
        raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        if field.name in value:
            kwargs[field.name] = _decode(
                hints[field.name], value[field.name], f"{where}.{field.name}"
            )
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise DecodeError(f"{where}: missing field {field.name!r}")
    return cls(**kwargs)


def _decode_scalar(hint: Any, value: object, where: str) -> Any:
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise DecodeError(f"{where}: expected int, got bool")
    if isinstance(hint, type) and isinstance(value, hint):
        return value
    raise DecodeError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r:.40}")
