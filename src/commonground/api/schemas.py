"""What the operations share in their answers: exact numbers, choices, the standard responses."""

from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from django.db import models
from ninja import Path
from pydantic import AfterValidator, Field, StrictInt, StringConstraints

from commonground.api.errors import READ_ERRORS, WRITE_ERRORS


def exact(number: Decimal | None) -> str | None:
    """A stored number as text without binary rounding or trailing zeros (``47.700000`` → 47.7)."""
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def choice(choices: type[models.TextChoices] | type[Enum]):
    """A ``Literal`` of a TextChoices' values, so the OpenAPI document lists them."""
    return Literal[tuple(item.value for item in choices)]  # type: ignore[misc]


def example(body: dict) -> dict:
    """``openapi_extra`` giving an operation's example body, in the order written (component
    examples would be re-sorted alphabetically by pydantic)."""
    return {"requestBody": {"content": {"application/json": {"example": body}}}}


def read(ok) -> dict:
    """The responses of a read: ``ok`` on 200 and the error shapes."""
    return {200: ok, **READ_ERRORS}


def written(ok, status: int = 200, also: tuple[int, ...] = ()) -> dict:
    """The responses of a write: ``ok`` on ``status`` (and ``also``) and the error shapes."""
    return {status: ok, **dict.fromkeys(also, ok), **WRITE_ERRORS}


# Text from outside: any characters but NUL, which PostgreSQL cannot store or compare.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
# A decimal number given as a JSON number or as text ("47.7"), read exactly.
DecimalText = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$")]
Amount = Annotated[
    StrictInt | Annotated[float, Field(allow_inf_nan=False, strict=True)] | DecimalText,
    AfterValidator(lambda number: Decimal(str(number))),
]
# The initiative in every path: the token's own (any other answers 404).
Slug = Annotated[str, Path(description="The initiative's slug (`GET /me` names it).")]
# Ids as the database keeps them (a larger number would overflow its integer column).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
