"""The kinds of notice, what each is called on screen, and which may not be switched off."""

from dataclasses import dataclass

IMMEDIATE = "immediate"
DIGEST = "digest"
OFF = "off"
MODES = {
    IMMEDIATE: "すぐにメールで受け取る",
    DIGEST: "1日1回まとめて受け取る",
    OFF: "メールを受け取らない",
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # A 照会 addressed to the agency must reach it: such mails cannot be switched off, and
    # they carry a link to the settings instead of an unsubscribe link.
    is_mandatory: bool = False
    # Directory contacts without an account receive these (notices addressed to the agency).
    reaches_contacts: bool = False
    # The roles whose settings page offers this kind.
    roles: tuple[str, ...] = ("member",)


STAFF = ("secretariat", "hq", "admin")
KINDS = {
    k.code: k
    for k in (
        Kind("minutes_circulated", "議事録の照会", is_mandatory=True, reaches_contacts=True),
        Kind(
            "minutes_reminder",
            "議事録照会の回答期限の案内",
            is_mandatory=True,
            reaches_contacts=True,
        ),
        Kind("minutes_overdue", "議事録照会の期限切れ(未回答機関)", roles=STAFF),
        Kind("minutes_confirmed", "議事録の確定・訂正"),
        Kind(
            "activity_changed",
            "会議の開催・変更・延期・中止",
            reaches_contacts=True,
            roles=("member", "secretariat", "hq", "admin"),
        ),
        Kind("followup", "未作成の議事録・期限を過ぎた対応事項(日次)", roles=STAFF),
        Kind("submission_submitted", "年度実績・計画の提出", roles=("hq", "admin")),
        Kind("submission_returned", "年度実績・計画の差戻し", roles=("secretariat",)),
    )
}
DIGEST_KIND = "digest"


def kinds_for(role: str) -> list[Kind]:
    return [k for k in KINDS.values() if role in k.roles]


def allowed_modes(kind: str) -> tuple[str, ...]:
    return (IMMEDIATE, DIGEST) if KINDS[kind].is_mandatory else (IMMEDIATE, DIGEST, OFF)
