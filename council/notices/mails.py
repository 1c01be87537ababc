"""What a notice says (rendered once, when it is enqueued) and how it goes on the wire.

A mail is Japanese plain text with an HTML alternative, headers encoded per RFC 2047 by the
standard library's SMTP policy, no images and no tracking. A meeting notice carries an
iCalendar invitation (METHOD:REQUEST or CANCEL) built from the same VEVENT as the feeds, so
its UID and SEQUENCE are the feeds' and a calendar updates the event it already has.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime as rfc2822_date
from email.utils import formataddr
from functools import lru_cache

import icalendar
from flask import current_app, has_request_context, render_template, request
from markupsafe import escape

from council import fiscal, ical

SITE_NAME = "地域ブロック協議会 活動管理システム"
# Short enough for one RFC 2047 encoded word: some readers put a space where a folded
# display name is split in two.
SENDER_NAME = "地域ブロック協議会"
SMTP_COMPAT = compat32.clone(linesep="\r\n")


@dataclass
class MailContent:
    subject: str
    heading: str
    link_url: str
    link_label: str = "詳細を見る"
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    action: str = ""


def base_url() -> str:
    """The site's address for links: the configured BASE_URL, else this request's."""
    configured = current_app.config.get("BASE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://127.0.0.1:5000"


def both_dates(value: date | datetime | None) -> str:
    """2026年12月4日(金)(令和8年): Western date and the era year."""
    if value is None:
        return ""
    day = fiscal.to_jst(value).date() if isinstance(value, datetime) else value
    text = fiscal.format_datetime(value) if isinstance(value, datetime) else fiscal.format_date(day)
    return f"{text}({fiscal.era_year_label(day)})"


# Rendered once per notice, then filled in per recipient: a circulation to thirty people
# must not cost sixty template renders inside the request that circulates.
NAME_SLOT = "@@council-recipient-name-7f3a@@"
UNSUBSCRIBE_SLOT = "@@council-unsubscribe-url-7f3a@@"


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str

    def fill(self, *, name: str, unsubscribe_url: str | None) -> tuple[str, str]:
        url = unsubscribe_url or ""
        return (
            self.text.replace(NAME_SLOT, name).replace(UNSUBSCRIBE_SLOT, url),
            self.html.replace(NAME_SLOT, str(escape(name))).replace(
                UNSUBSCRIBE_SLOT, str(escape(url))
            ),
        )


def render_once(content: MailContent, *, with_unsubscribe: bool) -> Rendered:
    context = {
        "c": content,
        "name": NAME_SLOT,
        "unsubscribe_url": UNSUBSCRIBE_SLOT if with_unsubscribe else None,
        "settings_url": f"{base_url()}/notices/settings",
        "site_name": SITE_NAME,
    }
    # The slots must survive HTML escaping untouched (they contain no special characters).
    return Rendered(
        render_template("notices/mail/message.txt", **context),
        render_template("notices/mail/message.html", **context),
    )


def render(content: MailContent, *, name: str, unsubscribe_url: str | None) -> tuple[str, str]:
    """(plain text, HTML) of one mail to one person."""
    return render_once(content, with_unsubscribe=bool(unsubscribe_url)).fill(
        name=name, unsubscribe_url=unsubscribe_url
    )


def message_id_domain() -> str:
    return (
        current_app.config.get("MAIL_FROM", "council@localhost").rpartition("@")[2] or "localhost"
    )


def new_message_id(domain: str) -> str:
    return f"<notice.{uuid.uuid4().hex}@{domain}>"


@lru_cache(maxsize=1)
def _vtimezone() -> icalendar.Timezone:
    return icalendar.Timezone.from_tzid(ical.TZID)


def invitation(activity) -> str:
    """An iTIP message (RFC 5546): REQUEST, or CANCEL once cancelled; the ATTENDEE is added
    per recipient when the mail is built (with_attendee)."""
    method = "CANCEL" if activity.status == "cancelled" else "REQUEST"
    event = icalendar.Event.from_ical(
        ical.build_event(ical.event_from_activity(activity, base_url()))
    )
    sender = current_app.config.get("MAIL_FROM", "council@localhost")
    event.add("organizer", f"mailto:{sender}", parameters={"CN": SITE_NAME})
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_vtimezone())
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def with_attendee(ics: str, email: str, name: str) -> str:
    calendar = icalendar.Calendar.from_ical(ics)
    for event in calendar.walk("VEVENT"):
        event.add(
            "attendee",
            f"mailto:{email}",
            parameters={
                "CN": name or email,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "FALSE",
            },
        )
    return calendar.to_ical().decode("utf-8")


def ics_method(ics: str) -> str:
    return "CANCEL" if "\r\nMETHOD:CANCEL\r\n" in ics else "REQUEST"


def build_message(row, content, sender: str, unsubscribe_url: str | None) -> bytes:
    """The wire form of an outbox row's mail; the same row always gives the same bytes.

    Built with the classic email.mime classes: their RFC 2047 encoding of Japanese headers
    splits on character boundaries like the modern API, at a fraction of its CPU cost, and
    the sender builds every mail it delivers."""
    body_text, body_html = Rendered(content.body_text, content.body_html).fill(
        name=row.recipient_name or "", unsubscribe_url=unsubscribe_url
    )
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(body_text, "plain", "utf-8"))
    alternative.attach(MIMEText(body_html, "html", "utf-8"))
    message = alternative
    if content.ics:
        ics = with_attendee(content.ics, row.recipient, row.recipient_name)
        calendar_part = MIMEText(ics, "calendar", "utf-8")
        calendar_part.set_param("method", ics_method(ics))
        alternative.attach(calendar_part)
        attachment = MIMEApplication(ics.encode("utf-8"), "ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message = MIMEMultipart("mixed")
        message.attach(alternative)
        message.attach(attachment)
    message["Subject"] = Header(content.subject, "utf-8")
    message["From"] = formataddr((SENDER_NAME, sender), charset="utf-8")
    message["To"] = formataddr((row.recipient_name or "", row.recipient), charset="utf-8")
    message["Date"] = rfc2822_date(row.created_at)
    message["Message-ID"] = row.message_id
    # RFC 3834: replies from out-of-office robots are not wanted.
    message["Auto-Submitted"] = "auto-generated"
    # Lets a mail client file notices by kind (and tests tell them apart).
    message["X-Council-Notice"] = row.kind
    if unsubscribe_url:
        # RFC 2369 + RFC 8058: one-click unsubscribe by a POST to the signed URL.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message.as_bytes(policy=SMTP_COMPAT)
