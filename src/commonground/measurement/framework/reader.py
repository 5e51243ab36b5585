"""Reading typed values out of a YAML document, keeping the line of every value.

The file is composed into YAML nodes (not constructed into Python objects) so that every value
still knows where it was written; ``Reader`` turns nodes into checked Python values and records a
``Problem`` for each one that is wrong, so a whole file is checked in one go.
"""

import datetime
import difflib
import re
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from commonground.measurement.framework.errors import FrameworkError, Problem

TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR, TIMESTAMP = (
    TAG + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
WHOLE_NUMBER = re.compile(r"^[-+]?[0-9]+\Z")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# SQLite keeps decimals as doubles: more significant digits than this would not read back
# equal, and loading the same file twice would then not be a no-op.
SIGNIFICANT_DIGITS = 15


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()  # what a reader returns for a value it has recorded a problem about


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases: every value then has exactly one place in the file."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not supported in framework files", event.start_mark
            )
        return super().compose_node(parent, index)


_constructor = yaml.constructor.SafeConstructor()


def compose(text: str, source: str) -> Node:
    """The document's root node; ``FrameworkError`` for an empty file or broken YAML."""
    try:
        loader = _NoAliasLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "cannot be read"
        if exc.context and reason.startswith("but "):  # "expected …, but found …"
            reason = f"{exc.context}, {reason}"
        reason = " ".join(reason.split())
        line = mark.line + 1 if mark else 1
        raise FrameworkError.at(source, line, f"not valid YAML: {reason}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise FrameworkError.at(source, line, f"not valid YAML text: {exc.reason}") from None
    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL):
        raise FrameworkError.at(source, 1, "the file is empty")
    return root


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(node: Node) -> str:
    """How a value looks to a person, for 'must be …, not …' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    return shown(node.value)


def shown(value: str, limit: int = 60) -> str:
    """A value quoted for a one-line message: long values cut, line breaks escaped."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return "'" + text.replace("\r", "\\r").replace("\n", "\\n") + "'"


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


class Reader:
    """Checks nodes against what a field expects; wrong values become ``problems``."""

    def __init__(self):
        self.problems: list[Problem] = []

    def problem(self, node_or_line, path: str, reason: str):
        line = node_or_line if isinstance(node_or_line, int) else line_of(node_or_line)
        self.problems.append(Problem(line, path, reason))
        return INVALID

    # Containers -------------------------------------------------------------------------------

    def mapping(self, node: Node, path: str, keys=None, required=()) -> dict[str, Node] | None:
        """The mapping's value nodes by key; unknown, repeated and missing keys are problems.

        ``keys`` lists the keys allowed (``None``: any plain key, as in a target's cell).
        """
        if not isinstance(node, MappingNode):
            self.problem(node, path, f"must be a mapping (key: value), not {describe(node)}")
            return None
        found: dict[str, Node] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, ScalarNode)
                or key_node.tag in (NULL, TIMESTAMP)
                or not key_node.tag.startswith(TAG)
            ):
                self.problem(key_node, path, "keys must be plain words")
                continue
            key = key_node.value
            if key in found:
                self.problem(key_node, join(path, key), f"appears twice (see line {lines[key]})")
            elif keys is not None and key not in keys:
                self.problem(key_node, join(path, key), _unknown_key(key, keys))
                found[key], lines[key] = None, line_of(key_node)  # only to catch repeats
            else:
                found[key], lines[key] = value_node, line_of(key_node)
        for key in required:
            if key not in found:
                self.problem(node, join(path, key), "is required")
        return {key: value for key, value in found.items() if value is not None}

    def sequence(self, node: Node | None, path: str) -> list[Node]:
        """The items of a list; empty for a missing or empty value."""
        if node is None or is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, path, f"must be a list, not {describe(node)}")
            return []
        return list(node.value)

    def codes(self, node: Node | None, path: str) -> list[tuple[str, Node, str]]:
        """A list of codes as (code, node, path); repeated codes are problems."""
        result, seen = [], {}
        for index, item in enumerate(self.sequence(node, path)):
            item_path = join(path, index)
            code = self.slug(item, item_path)
            if code is INVALID:
                continue
            if code in seen:
                self.problem(item, item_path, f"'{code}' is listed twice (see line {seen[code]})")
                continue
            seen[code] = line_of(item)
            result.append((code, item, item_path))
        return result

    # Scalars ----------------------------------------------------------------------------------

    def _scalar(self, node: Node, path: str, expected: str):
        if not isinstance(node, ScalarNode):
            return self.problem(node, path, f"must be {expected}, not {describe(node)}")
        if not node.tag.startswith(TAG):
            return self.problem(node, path, f"the YAML tag {node.tag} is not supported here")
        return node

    def text(self, node: Node, path: str, *, required=False, max_length=None):
        """Text as written (``yes`` and ``2024`` stay text); empty gives ``""``."""
        if self._scalar(node, path, "text") is INVALID:
            return INVALID
        value = "" if node.tag == NULL else node.value
        if required and not value.strip():
            return self.problem(node, path, "is required")
        if max_length is not None and len(value) > max_length:
            return self.problem(node, path, f"is longer than {max_length} characters")
        return value

    def slug(self, node: Node, path: str, *, max_length=60):
        value = self.text(node, path, required=True, max_length=max_length)
        if value is not INVALID and not SLUG.match(value):
            return self.problem(
                node, path, f"{shown(value)} is not a code (use letters, digits, '-' and '_' only)"
            )
        return value

    def choice(self, node: Node, path: str, choices: list[str], *, blank=False):
        value = self.text(node, path)
        if value is INVALID or (blank and value == ""):
            return value
        if value == "":
            return self.problem(node, path, f"must be one of {', '.join(choices)}")
        if value not in choices:
            return self.problem(node, path, f"{shown(value)} is not one of {', '.join(choices)}")
        return value

    def url(self, node: Node, path: str, *, max_length=200):
        value = self.text(node, path, max_length=max_length)
        if value not in (INVALID, ""):
            try:
                URLValidator()(value)
            except ValidationError:
                return self.problem(node, path, f"{shown(value)} is not a web address (https://…)")
        return value

    def boolean(self, node: Node, path: str):
        if self._scalar(node, path, "true or false") is INVALID:
            return INVALID
        if node.tag != BOOL:
            return self.problem(node, path, f"must be true or false, not {describe(node)}")
        return _constructor.construct_yaml_bool(node)

    def integer(self, node: Node, path: str, *, minimum=None, maximum=None):
        if self._scalar(node, path, "a whole number") is INVALID:
            return INVALID
        if node.tag == INT:
            value = _yaml_int(node)
        elif node.tag == STR and WHOLE_NUMBER.match(node.value.strip()):
            value = int(node.value)
        else:
            return self.problem(node, path, f"must be a whole number, not {describe(node)}")
        return self._in_range(node, path, value, minimum, maximum)

    def decimal(self, node: Node, path: str, *, field, minimum=None, positive=False):
        """A number that fits the model's decimal ``field``; empty gives ``None`` if allowed."""
        if self._scalar(node, path, "a number") is INVALID:
            return INVALID
        if node.tag == NULL or (node.tag == STR and not node.value.strip()):
            if field.null:
                return None
            return self.problem(node, path, "is required")
        value = _to_decimal(node)
        if value is None:
            return self.problem(node, path, f"must be a number, not {describe(node)}")
        if positive and value <= 0:
            return self.problem(node, path, "must be greater than 0")
        misfit = _misfit(value, field.max_digits, field.decimal_places)
        if misfit:
            return self.problem(node, path, misfit)
        return self._in_range(node, path, value, minimum, None)

    def date(self, node: Node, path: str):
        if self._scalar(node, path, "a date") is INVALID:
            return INVALID
        if node.tag == NULL:
            return None
        if node.tag in (TIMESTAMP, STR) and ISO_DATE.match(node.value):
            try:
                return datetime.date.fromisoformat(node.value)
            except ValueError:
                return self.problem(node, path, f"{describe(node)} is not a date of the calendar")
        return self.problem(node, path, f"must be a date (YYYY-MM-DD), not {describe(node)}")

    def _in_range(self, node, path, value, minimum, maximum):
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            return self.problem(node, path, f"must be between {minimum} and {maximum}")
        if minimum is not None and value < minimum:
            return self.problem(node, path, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            return self.problem(node, path, f"must be at most {maximum}")
        return value


def _unknown_key(key: str, keys) -> str:
    close = difflib.get_close_matches(key, list(keys), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(keys)}"
    return f"unknown key {shown(key)} ({hint})"


def _yaml_int(node: ScalarNode) -> int:
    # Digits are read as decimal, as YAML 1.2 does and people mean: 08 and 010 are 8 and 10
    # (YAML 1.1 reads 010 as octal 8). 0x1F, 0b101 and 1:30 keep their YAML 1.1 meaning.
    text = node.value.replace("_", "")
    if WHOLE_NUMBER.match(text):
        return int(text)
    return _constructor.construct_yaml_int(node)


def _to_decimal(node: ScalarNode) -> Decimal | None:
    """The number a scalar spells, read from its text so ``0.1`` stays exactly 0.1."""
    if node.tag == INT:
        return Decimal(_yaml_int(node))
    if node.tag not in (FLOAT, STR):
        return None
    text = node.value.strip().replace("_", "")
    if not text.isascii():  # Decimal() would also read other scripts' digits
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _misfit(value: Decimal, max_digits: int, decimal_places: int) -> str:
    """Why ``value`` cannot be stored in a decimal column of this size ('' if it can)."""
    _sign, digits, exponent = value.normalize().as_tuple()
    places = max(-exponent, 0)
    if places > decimal_places:
        return f"has more than {decimal_places} decimal places"
    whole_digits = len(digits) + exponent if value != 0 else 0
    if whole_digits > max_digits - decimal_places:
        return f"is too large (at most {max_digits - decimal_places} digits before the point)"
    if len(digits) > SIGNIFICANT_DIGITS:
        return f"has more than {SIGNIFICANT_DIGITS} significant digits"
    return ""
