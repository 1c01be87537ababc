"""What an import answers: the problems that refuse a file, or the counts of what it wrote."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from council.errors import DomainError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where a person can find it: the line as an editor counts
    it (None: the file as a whole) and the column (code or label; None or "": the row)."""

    line: int | None
    column: str | None
    message: str
    # The user may not import this row at all (another block's record, say): a 403, not a 400.
    is_forbidden: bool = False

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル"
        if self.column:
            where += f" {self.column}列"
        return f"{where}: {self.message}"


class ImportRejected(DomainError):
    """The file was refused whole; nothing was written. The problems come in file order, and
    within a line in the order of `columns` (the table's columns, when it has a fixed order).
    The import page lists them line by line (not on the form); 403 when a row is of a block the
    user does not maintain, else 400."""

    on_form = False

    def __init__(self, problems: list[Problem], columns: Sequence[str] = ()):
        super().__init__(f"{len(problems)} problem(s)")

        def order(problem: Problem) -> tuple[int, int]:
            column = columns.index(problem.column) if problem.column in columns else -1
            return problem.line or 0, column

        self.problems = sorted(problems, key=order)

    @property
    def is_forbidden(self) -> bool:
        return any(p.is_forbidden for p in self.problems)

    @property
    def status(self) -> int:
        return 403 if self.is_forbidden else 400


@dataclass
class ImportSummary:
    """The counts an import reports; `notes` are rows written with a remark (not refused)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[Problem] = field(default_factory=list)

    def count(self, *, created: bool, changed: bool) -> None:
        """Count one written row as new, changed or left as it was."""
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1
