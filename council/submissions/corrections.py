"""A snapshot's figures beside the figures now: the counts per category, the council
category's split by kind, and the lines of the detailed list added, removed or changed since.
Pure: no database (the audit entries behind the changes are attached by queries)."""

from dataclasses import dataclass, field

from council.activities.models import COUNCIL_KINDS
from council.audit.models import AuditEntry
from council.figures.counts import COUNCIL
from council.submissions.labels import DETAIL_FIELDS
from council.submissions.models import Snapshot


@dataclass
class CountDiff:
    category_code: str
    category_name: str
    submitted: int
    current: int

    @property
    def diff(self) -> int:
        return self.current - self.submitted


@dataclass
class RowChange:
    """One activity whose line in the detailed list differs from the snapshot."""

    change: str  # added / removed / changed
    activity_id: int
    before: dict | None
    after: dict | None
    fields: list[str] = field(default_factory=list)  # changed DETAIL_FIELDS
    entries: list[AuditEntry] = field(default_factory=list)  # who, when, why (since)

    CHANGE_LABELS = {"added": "追加", "removed": "除外", "changed": "変更"}

    @property
    def change_label(self) -> str:
        return self.CHANGE_LABELS[self.change]

    @property
    def line(self) -> dict:
        return self.after or self.before or {}


@dataclass
class KindDiff:
    """協議会 or 幹事会 under the council category: as submitted (None when the snapshot does
    not tell, as those frozen before the split was counted) and now."""

    kind: str
    label: str
    submitted: int | None
    current: int

    @property
    def diff(self) -> int | None:
        return None if self.submitted is None else self.current - self.submitted


def kind_split(snapshot: Snapshot) -> dict[str, int] | None:
    """{kind: n} of the council category as the snapshot froze it, or None when its lines do
    not add up to its category total (the total is what was submitted and is kept)."""
    items = [i for i in snapshot.details or [] if i.get("category") == COUNCIL]
    split = {k: sum(1 for i in items if i.get("kind") == k) for k in COUNCIL_KINDS}
    if sum(split.values()) != int(snapshot.counts.get(COUNCIL, 0)):
        return None
    return split


@dataclass
class Corrections:
    """A snapshot's figures beside the figures now, and what moved them since."""

    snapshot: Snapshot
    counts: list[CountDiff]
    changes: list[RowChange]
    kinds: list[KindDiff] = field(default_factory=list)

    @property
    def submitted_total(self) -> int:
        return sum(c.submitted for c in self.counts)

    @property
    def current_total(self) -> int:
        return sum(c.current for c in self.counts)

    @property
    def diff_total(self) -> int:
        return self.current_total - self.submitted_total

    @property
    def has_differences(self) -> bool:
        return bool(self.changes) or any(c.diff for c in self.counts)


def compare(
    snapshot: Snapshot, current_counts: dict[str, int], current_rows: list[dict], ax
) -> Corrections:
    """The snapshot against the figures now: counts per category and the lines of the detailed
    list that were added, removed or changed (pure: no database)."""
    counts = [
        CountDiff(c.code, c.short_name, int(snapshot.counts.get(c.code, 0)), current_counts[c.code])
        for c in ax.categories
    ]
    before = {item["id"]: item for item in snapshot.details or []}
    after = {item["id"]: item for item in current_rows}
    changes = []
    for activity_id, item in after.items():
        old = before.get(activity_id)
        if old is None:
            changes.append(RowChange("added", activity_id, None, item))
            continue
        moved = [name for name in DETAIL_FIELDS if old.get(name) != item.get(name)]
        if moved:
            changes.append(RowChange("changed", activity_id, old, item, moved))
    for activity_id, item in before.items():
        if activity_id not in after:
            changes.append(RowChange("removed", activity_id, item, None))
    order = {c.code: i for i, c in enumerate(ax.categories)}
    changes.sort(
        key=lambda r: (
            order.get(r.line.get("category"), 99),
            r.line.get("start") or "",
            r.activity_id,
        )
    )
    split = kind_split(snapshot)
    kinds = [
        KindDiff(
            kind,
            label,
            split[kind] if split is not None else None,
            sum(1 for i in current_rows if i.get("category") == COUNCIL and i.get("kind") == kind),
        )
        for kind, label in COUNCIL_KINDS.items()
    ]
    return Corrections(snapshot, counts, changes, kinds)
