"""The access matrix: every state-changing route × every role.

Each domain adds a module `tests/matrix/cases_<domain>.py` with a list `CASES` of `Case`s.
`tests/test_access_matrix.py` collects them all and runs each case once per role:

- a role in `allowed` must get a success status (`ok`), and the case's `changed` check (if any)
  must then hold;
- every other signed-in role must get 403 and leave `state(world)` unchanged;
- anonymous must be redirected to /login (or get 401/403 for API-style routes) and leave the
  state unchanged.

The world is built fresh for every (case, role): reference data, one user per role, and
whatever `setup(world)` adds. The target objects of a case belong to the kanto block unless the
case says otherwise; "sec_own" is kanto's secretariat, "sec_other" kinki's, "member" a member
of 関東総合通信局 (a kanto agency), "member_other" a member of 近畿総合通信局 (kinki).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "member", "member_other", "sec_own", "sec_other", "hq", "admin")


@dataclass
class World:
    users: dict  # role -> User (no "anonymous" key)
    objects: dict = field(default_factory=dict)
    factories: dict = field(default_factory=dict)  # make_activity, make_user, ...

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Case:
    name: str
    url: Callable[[World], str]
    allowed: frozenset | set
    method: str = "POST"
    data: Callable[[World], dict] | None = None
    files: Callable[[World], dict] | None = None
    setup: Callable[[World], None] | None = None
    # Returns a comparable picture of what a refused request must not change.
    state: Callable[[World], Any] | None = None
    # Called after an allowed request; asserts that the change happened.
    changed: Callable[[World], None] | None = None
    ok: tuple = (200, 201, 302, 303)
    # What anonymous gets: "login" (redirect to /login) or a status such as 401.
    anonymous: str | int = "login"
