"""Matrix cases for accounts routes."""

from tests.matrix.framework import Case

ALL_SIGNED_IN = {"member", "member_other", "sec_own", "sec_other", "hq", "admin"}

CASES = [
    Case(
        # Name = the endpoint. Every signed-in user may change their own password; here the
        # form is wrong on purpose (mismatch), so success means "400 with the form", not 403.
        name="accounts.change_password",
        url=lambda w: "/profile/password",
        data=lambda w: {"current_password": "x", "new_password": "a", "confirm": "b"},
        allowed=ALL_SIGNED_IN,
        ok=(400,),
    ),
]
