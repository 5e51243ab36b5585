"""Numbers as people give them and as the database keeps them, without ever raising."""

from decimal import Context, Decimal, InvalidOperation

from commonground.measurement.models import DataValue


class NotANumber(ValueError):
    """The raw input is not a finite number."""


class TooLarge(ValueError):
    """The number has more digits before the point than its column holds."""


def to_decimal(raw) -> Decimal | None:
    """``raw`` (Decimal, int, float, bool or numeric text) as a finite Decimal; None stays None.

    Raise ``NotANumber`` for anything else, including NaN and infinities, so that no later
    comparison can trip over them.
    """
    if raw is None:
        return None
    if raw.__class__ is Decimal:  # the usual case first
        number = raw
    elif isinstance(raw, bool):
        return Decimal(int(raw))
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float | str):
        try:
            # str(float) gives the shortest repr: 0.1 stays 0.1, not its binary expansion.
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise NotANumber(raw) from None
    else:
        raise NotANumber(raw)
    if not number.is_finite():
        raise NotANumber(raw)
    return number


_COLUMNS = {name: DataValue._meta.get_field(name) for name in ("value", "numerator", "denominator")}
# How many digits a stored number may have before the decimal point (20 − 6 = 14).
INTEGER_DIGITS = _COLUMNS["value"].max_digits - _COLUMNS["value"].decimal_places


def as_stored(name: str, number: Decimal | None) -> Decimal | None:
    """The number as the column ``name`` keeps it, so that an unchanged value compares equal.

    The database rounds to the column's decimal places (``47.7`` comes back as ``47.700000``);
    a number with more digits than the column holds raises ``TooLarge`` here rather than
    failing in the database.
    """
    if number is None:
        return None
    quantum, context = _QUANTA[name]
    try:
        return number.quantize(quantum, context=context)
    except InvalidOperation:
        raise TooLarge(number) from None


# Per column: the step of its last decimal place, and a context as precise as the column.
# Built once: the importer stores every number of a million rows through ``as_stored``.
_QUANTA = {
    name: (Decimal(1).scaleb(-field.decimal_places), Context(prec=field.max_digits))
    for name, field in _COLUMNS.items()
}


def show(number: Decimal) -> str:
    """A number written the way a person would: ``47.700000`` → ``47.7``, ``1E+3`` → ``1000``."""
    if number and not -20 < number.adjusted() < 20:
        # Written out in full, 1E+999999 would be a million characters long.
        return format(number, ".3E")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show_rounded(number: Decimal, decimals: int) -> str:
    """``number`` rounded to the indicator's decimals for a message (in full if it cannot be)."""
    try:
        return show(number.quantize(Decimal(1).scaleb(-decimals), context=Context(prec=60)))
    except InvalidOperation:
        return show(number)
