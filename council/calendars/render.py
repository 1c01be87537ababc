"""The HTML of calendar items, built in Python rather than in a template: a month page holds
hundreds of items, and a Jinja block per item cost more than all the rest of the page.

Every text that comes from a record goes through html.escape (quotes included), as
autoescaping would; the other parts are fixed strings or values we produce ourselves (an id,
a "14:00" time, a status from a closed list). A cancelled item is struck through and
labelled 中止, a postponed one labelled 延期 (text, not colour only); category and block are
spelled out for screen readers."""

from html import escape

from markupsafe import Markup

_CONTINUED = '<span class="cal-item__time">(続き)</span> '
_STATUS = {
    "planned": ("cal-item--planned", ""),
    "held": ("cal-item--held", ""),
    "cancelled": ("cal-item--cancelled", '<span class="badge badge--cancelled">中止</span> '),
    "postponed": ("cal-item--postponed", '<span class="badge badge--postponed">延期</span> '),
}


def _link(item, activity_path: str, continued: bool, show_time: bool) -> str:
    if continued:
        time = _CONTINUED
    elif show_time and item.time_label:
        time = f'<span class="cal-item__time">{item.time_label}</span> '
    else:
        time = ""
    css, badge = _STATUS.get(item.status, ("", ""))
    if item.visibility != "public":
        css += " cal-item--restricted"
    tag = "s" if item.status == "cancelled" else "span"
    return (
        f'<a class="cal-item {css}" href="{activity_path}{int(item.id)}">{time}{badge}'
        f'<{tag} class="cal-item__title">{escape(item.title)}</{tag}>'
        f'<span class="visually-hidden">({escape(item.category)}・'
        f"{escape(item.block or '本府省')})</span></a>"
    )


def item_link(item, activity_path: str, continued: bool = False, show_time: bool = True) -> Markup:
    """The link to an item's activity, with its time (unless `show_time` is off: the week and
    list views give the time a column of its own). `activity_path` is the escaped prefix of
    activity URLs ("/activities/")."""
    return Markup(_link(item, escape(activity_path), continued, show_time))


# A month cell shows this many items at most, then 「他N件」 linking to the day's week: the page
# costs the same however busy the month, and a cell stays readable on a phone.
MONTH_CELL_ITEMS = 3


def day_items(day, activity_path: str, more_url: str = "") -> Markup:
    """The list of a month cell's items (nothing when it has none): the first
    MONTH_CELL_ITEMS, and when there are more, 「他N件」 linking to `more_url` + the day's date
    (the week view of that day, which lists every item)."""
    if not day.items:
        return Markup("")
    path = escape(activity_path)
    shown = day.items[:MONTH_CELL_ITEMS]
    links = "".join(
        f"<li>{_link(placed.item, path, placed.is_continued, True)}</li>" for placed in shown
    )
    hidden = len(day.items) - len(shown) + day.omitted
    if hidden:
        links += (
            f'<li><a class="cal-more" href="{escape(more_url)}{day.date.isoformat()}">'
            f'他{hidden}件<span class="visually-hidden">({day.date.month}月{day.date.day}日の'
            "予定をすべて見る)</span></a></li>"
        )
    return Markup(f'<ul class="calendar__items">{links}</ul>')


_OPTIONS: dict = {}  # (id(choices), current) -> (choices, html)


def select_options(choices, current: str) -> Markup:
    """The <option>s of a filter select (grouped by <optgroup> when `choices` is a mapping,
    as WTForms takes them), `current` selected. Written here for the same reason as the
    items: the agency list alone has some 120 entries. Kept per choices object (the filter
    form shares them for a minute) and selection."""
    key = (id(choices), current)
    kept = _OPTIONS.get(key)
    if kept is not None and kept[0] is choices:
        return kept[1]
    html = _select_options(choices, current)
    if len(_OPTIONS) > 512:
        _OPTIONS.clear()
    _OPTIONS[key] = (choices, html)
    return html


def _select_options(choices, current: str) -> Markup:

    def options(pairs) -> str:
        return "".join(
            f'<option value="{escape(value)}"{" selected" if value == current else ""}>'
            f"{escape(label)}</option>"
            for value, label in pairs
        )

    if not isinstance(choices, dict):
        return Markup(options(choices))
    parts = []
    for group, pairs in choices.items():
        if group:
            parts.append(f'<optgroup label="{escape(group)}">{options(pairs)}</optgroup>')
        else:
            parts.append(options(pairs))
    return Markup("".join(parts))
