"""Loading the national events: the Activity CSV import (activities' domain) of the events file
(national's), then national's own completion. Here in the entry point, which may use both."""

from council.activities.csv.importer import import_activities
from council.national.events import complete_national_events, ensure_hq_organisations, events_csv
from council.tables.results import ImportSummary


def load_national_events(data: bytes | None = None, *, actor=None) -> ImportSummary:
    """Import the national events (idempotent: a second run changes nothing), then place
    them and record headquarters' backing of the seminars. Flushes, never commits."""
    organisations = ensure_hq_organisations()  # the file's co-hosts, before the import
    summary = import_activities(
        events_csv() if data is None else data,
        actor=actor,
        check_permissions=actor is not None,
        source="national_events.csv",
    )
    complete_national_events(organisations)
    return summary
