"""Turn the tutor's dataclasses into JSON-ready dicts and back, checked against their hints."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
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


Decoder = Callable[[object, str], Any]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: object, where: str) -> Any:
    return _decoder(hint)(value, where)


@functools.cache
def _decoder(hint: Any) -> Decoder:
    """A decoding function for one type hint, worked out once per hint: reading a cached
    lesson decodes thousands of values, and inspecting their hints each time dominated."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return lambda value, where: value
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(args)
    if origin is typing.Literal:

        def literal(value: object, where: str) -> Any:
            if value not in args:
                raise DecodeError(f"{where}: {value!r} is not one of {args}")
            return value

        return literal
    if origin in (tuple, list):
        return _sequence_decoder(_decoder(args[0] if args else Any), origin is tuple)
    if origin is dict:
        value_decoder = _decoder(args[1] if args else Any)

        def mapping(value: object, where: str) -> Any:
            if not isinstance(value, dict):
                raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
            return {str(k): value_decoder(v, f"{where}.{k}") for k, v in value.items()}

        return mapping
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return functools.partial(_decode_dataclass, hint)
    return functools.partial(_decode_scalar, hint)


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    nullable = type(None) in args
    options = [_decoder(arg) for arg in args if arg is not type(None)]

    def union(value: object, where: str) -> Any:
        if value is None and nullable:
            return None
        errors = []
        for option in options:
            try:
                return option(value, where)
            except DecodeError as exc:
                errors.append(str(exc))
        raise DecodeError("; ".join(errors))

    return union


def _sequence_decoder(item_decoder: Decoder, as_tuple: bool) -> Decoder:
    def sequence(value: object, where: str) -> Any:
        if not isinstance(value, list):
            raise DecodeError(f"{where}: expected a list, got {type(value).__name__}")
        items = [item_decoder(item, where) for item in value]
        return tuple(items) if as_tuple else items

    return sequence


@functools.cache
def _field_decoders(cls: type) -> tuple[tuple[str, Decoder, bool], ...]:
    """(name, decoder, required) for each init field of a dataclass."""
    hints = _hints(cls)
    return tuple(
        (
            field.name,
            _decoder(hints[field.name]),
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING,
        )
        for field in dataclasses.fields(cls)
        if field.init
    )


def _decode_dataclass(cls: type, value: object, where: str) -> Any:
    if not isinstance(value, dict):
        raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
    kwargs: dict[str, Any] = {}
    for name, decoder, required in _field_decoders(cls):
        if name in value:
            kwargs[name] = decoder(value[name], f"{where}.{name}")
        elif required:
            raise DecodeError(f"{where}: missing field {name!r}")
    return cls(**kwargs)


def _decode_scalar(hint: Any, value: object, where: str) -> Any:
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise DecodeError(f"{where}: expected int, got bool")
    if isinstance(hint, type) and isinstance(value, hint):
        return value
    raise DecodeError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r:.40}")
