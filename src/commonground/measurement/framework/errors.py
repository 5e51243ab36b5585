"""The error a framework file raises, and the problems it is made of."""

from dataclasses import dataclass

from commonground.core.errors import DomainError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (line and field path) and why."""

    line: int
    path: str
    reason: str

    def format(self, source: str) -> str:
        """``source:LINE: path: reason`` (the path is left out for file-level problems)."""
        where = f"{source}:{self.line}: {self.path}: " if self.path else f"{source}:{self.line}: "
        # Keys written in the file are in the path: a quoted key may hold a line break.
        return (where + self.reason).replace("\r", "\\r").replace("\n", "\\n")


class FrameworkError(DomainError):
    """A framework file that cannot be loaded; ``message`` is one line naming line and field.

    ``problems`` holds every problem found (in file order), for callers that show them all.
    """

    code = "invalid_framework"

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str = ""):
        self.problems = list(problems or [])
        details = {"problems": [p.format(source) for p in self.problems]} if source else None
        super().__init__(message, details=details)

    @classmethod
    def from_problems(cls, source: str, problems: list[Problem]) -> "FrameworkError":
        """An error whose message is the first problem in the file, plus how many more there are."""
        ordered = sorted(problems, key=lambda p: p.line)  # stable: same line keeps found order
        message = ordered[0].format(source)
        more = len(ordered) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        return cls(message, ordered, source)

    @classmethod
    def at(cls, source: str, line: int, reason: str, path: str = "") -> "FrameworkError":
        return cls.from_problems(source, [Problem(line, path, reason)])
