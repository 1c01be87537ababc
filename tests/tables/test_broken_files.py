"""Each table import refuses a file whose CSV syntax breaks, naming the line, instead of reading
on with the cells shifted (the directory import used to read such a file leniently)."""

import pytest

from council.activities.csv.importer import read_rows
from council.activities.csv.labels import COLUMNS
from council.analysis.funding.importer import read_funding
from council.directory.csv import importer as directory_importer
from council.portal.csv.importer import import_register
from council.tables.results import ImportRejected

BROKEN = b'a,b\r\nx,y\r\n"open,z\r\n'


def _problem(call):
    with pytest.raises(ImportRejected) as rejected:
        call()
    return next(p for p in rejected.value.problems if "引用符" in p.message)


def test_every_import_names_the_line_of_a_broken_record(seeded, make_user):
    admin = make_user(role="admin")
    header = "block,agency,ministry,kind,first_fy\r\n"
    directory = _problem(lambda: directory_importer.parse((header + '"open\r\n').encode(), admin))
    assert (directory.line, directory.column) == (2, "")
    activities = (",".join(COLUMNS) + '\r\nx\r\n"open\r\n').encode()
    assert _problem(lambda: read_rows(activities, actor=admin)).line == 3
    assert _problem(lambda: read_funding(BROKEN)).line == 3
    portal = _problem(lambda: import_register("news", BROKEN, actor=None, check_permissions=False))
    assert portal.line == 3
