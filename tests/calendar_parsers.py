"""Reading our calendars the way other programs do, and a lint of what Outlook needs.

Our calendars are written with the `icalendar` library, so they are checked with parsers that
share nothing with it:

- `parse_with_icaljs`: ical.js, the parser inside Thunderbird (npm, run with node).
- `parse_with_vobject`: vobject, with dateutil expanding the RRULE.

Both return the same shape, so a test can check the two agree and then check one:

    {
      "method": "REQUEST" | "CANCEL" | "PUBLISH" | None,
      "name": str | None, "x_wr_calname": str | None, "x_wr_timezone": str | None,
      "timezones": [tzid, ...],                       # the VTIMEZONEs defined in the calendar
      "events": [                                     # every VEVENT, in file order
        {
          "uid": str, "sequence": int, "status": str | None, "summary": str,
          "location": str | None, "description": str | None, "url": str | None,
          "start": Moment, "end": Moment,
          "recurrence_id": Moment | None,
          "rrule": str | None,                        # e.g. "FREQ=WEEKLY;COUNT=4;BYDAY=TU"
          "exdates": [Moment, ...],
          "organizer": str | None, "attendees": [str, ...],   # "mailto:..." values
          "occurrences": [                            # RRULE masters only, else None: the first
            {"recurrence_id": Moment, "start": Moment, "end": Moment,   # `limit` occurrences
             "summary": str, "status": str | None},   # with EXDATEs and overrides applied
          ] | None,
        },
      ],
    }

where a Moment is {"utc": "2026-03-29T08:00:00Z", "local": "2026-03-29T09:00:00"}: the instant
in UTC and as Europe/London wall-clock time, both computed with the calendar's own VTIMEZONE
(ical.js adds "tzid" and "zone_defined"; tests compare `utc` and `local`). ical.js also gives
"refresh_interval" and "published_ttl" as {"value": "PT1H", "type": "duration"}.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import vobject
from vobject.icalendar import registerTzid

ROOT = Path(__file__).resolve().parent.parent
ICALJS_SCRIPT = ROOT / "tests" / "js" / "parse_ics.mjs"
LONDON = "Europe/London"


def parse_with_icaljs(data: bytes, limit: int = 60) -> dict[str, Any]:
    """The calendar as ical.js reads it (the shape is in this module's docstring)."""
    result = subprocess.run(
        ["node", str(ICALJS_SCRIPT), str(limit)],
        input=data,
        capture_output=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(f"ical.js could not read the calendar:\n{result.stderr.decode()}")
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def parse_with_vobject(data: bytes, limit: int = 60) -> dict[str, Any]:
    """The calendar as vobject reads it (the shape is in this module's docstring).

    vobject keeps one process-wide table of time zones, filled by the first VTIMEZONE it meets
    with each TZID (and from pytz for unknown ones): each calendar's own VTIMEZONEs replace the
    entries first, so the times are read with this calendar's definitions.
    """
    text = data.decode("utf-8")
    raw = vobject.readOne(text, transform=False)
    zones: dict[str, tzinfo] = {}
    for component in raw.contents.get("vtimezone", []):
        component.transformToNative()
        zones[component.tzid.value] = component.gettzinfo()
    for tzid, zone in zones.items():
        registerTzid(tzid, zone)
    calendar = vobject.readOne(text)
    london = zones.get(LONDON)
    events = calendar.contents.get("vevent", [])
    overrides = {
        (_value(event, "uid"), _utc(event.recurrence_id.value)): event
        for event in events
        if "recurrence-id" in event.contents
    }
    return {
        "method": _value(calendar, "method"),
        "name": _value(calendar, "name"),
        "x_wr_calname": _value(calendar, "x-wr-calname"),
        "x_wr_timezone": _value(calendar, "x-wr-timezone"),
        "timezones": list(zones),
        "events": [_vobject_event(event, overrides, london, limit) for event in events],
    }


def _value(component: Any, name: str) -> Any:
    lines = component.contents.get(name)
    return lines[0].value if lines else None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _moment(moment: datetime | None, london: tzinfo | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {
        "utc": _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "local": moment.astimezone(london).strftime("%Y-%m-%dT%H:%M:%S") if london else "",
    }


def _vobject_event(
    event: Any, overrides: dict[tuple[str, datetime], Any], london: tzinfo | None, limit: int
) -> dict[str, Any]:
    start: datetime = event.dtstart.value
    end: datetime = event.dtend.value
    recurrence_id = _value(event, "recurrence-id")
    rrule = _value(event, "rrule")
    parsed: dict[str, Any] = {
        "uid": _value(event, "uid"),
        "sequence": int(_value(event, "sequence") or 0),
        "status": _value(event, "status"),
        "summary": _value(event, "summary"),
        "location": _value(event, "location"),
        "description": _value(event, "description"),
        "url": _value(event, "url"),
        "recurrence_id": _moment(recurrence_id, london),
        "start": _moment(start, london),
        "end": _moment(end, london),
        "rrule": rrule,
        "exdates": [
            _moment(moment, london)
            for line in event.contents.get("exdate", [])
            for moment in line.value
        ],
        "organizer": _value(event, "organizer"),
        "attendees": [line.value for line in event.contents.get("attendee", [])],
        "occurrences": None,
    }
    if rrule and recurrence_id is None:
        length = _utc(end) - _utc(start)
        occurrences = []
        for planned in _first(event.getrruleset(addRDate=True), limit):
            item = overrides.get((parsed["uid"], _utc(planned)))
            if item is None:
                item_start, item_end, item = planned, _utc(planned) + length, event
            else:
                item_start, item_end = item.dtstart.value, item.dtend.value
            occurrences.append(
                {
                    "recurrence_id": _moment(planned, london),
                    "start": _moment(item_start, london),
                    "end": _moment(item_end, london),
                    "summary": _value(item, "summary"),
                    "status": _value(item, "status"),
                }
            )
        parsed["occurrences"] = occurrences
    return parsed


def _first(moments: Any, limit: int) -> Iterator[datetime]:
    for n, moment in enumerate(moments):
        if n == limit:
            return
        yield moment


# What Outlook needs, checked on the bytes.


@dataclass(frozen=True)
class ContentLine:
    name: str
    params: dict[str, str]
    value: str
    component: str
    """The innermost component the line is in (VCALENDAR, VEVENT, VTIMEZONE, DAYLIGHT…)."""


_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*(?:,[^";:,]*)*)')
_DURATION = re.compile(r"^[+-]?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$")
_UTC_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z$")
_OUTLOOK_RULE = re.compile(
    r"^(FREQ=DAILY|FREQ=WEEKLY)(;(COUNT=\d+|UNTIL=\d{8}(T\d{6}Z)?|INTERVAL=\d+|WKST=(MO|SU)|"
    r"BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*))*$"
)


def content_lines(data: bytes) -> list[ContentLine]:
    """The unfolded content lines, each with the component it belongs to (no library used)."""
    unfolded = re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8")
    lines: list[ContentLine] = []
    stack: list[str] = []
    for raw in unfolded.split("\r\n"):
        if not raw:
            continue
        head, value = _split_value(raw)
        name = re.match(r"[A-Za-z0-9-]+", head)
        assert name is not None, raw
        params = {k.upper(): v.strip('"') for k, v in _PARAM.findall(head[name.end() :])}
        if name.group().upper() == "BEGIN":
            stack.append(value.upper())
        lines.append(ContentLine(name.group().upper(), params, value, stack[-1] if stack else ""))
        if name.group().upper() == "END" and stack:
            stack.pop()
    return lines


def _split_value(line: str) -> tuple[str, str]:
    """Split a content line at the first colon outside a quoted parameter value."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], line[index + 1 :]
    return line, ""


def outlook_problems(data: bytes, method: str, *, uids: Collection[str] | None = None) -> list[str]:
    """What in `data` breaks the rules Outlook is known to need (issue 4); [] when nothing.

    `method` is the METHOD the caller means to send; `uids`, when given, the UIDs the events
    must have (a UID that changes makes Outlook add a second event instead of updating).
    """
    problems = _line_problems(data)
    lines = content_lines(data)
    problems += _timezone_problems(lines)
    methods = [line.value for line in lines if line.name == "METHOD"]
    if methods != [method]:
        problems.append(f"METHOD is {methods or 'missing'}, expected {method}")
    for event in _events(lines):
        problems += _event_problems(event, method, uids)
    for line in lines:
        if line.component != "VCALENDAR":
            continue
        if line.name == "REFRESH-INTERVAL":
            if line.params.get("VALUE", "").upper() != "DURATION":
                problems.append("REFRESH-INTERVAL without VALUE=DURATION")
            if not _DURATION.match(line.value):
                problems.append(f"REFRESH-INTERVAL {line.value!r} is not a duration")
        if line.name == "X-PUBLISHED-TTL" and not _DURATION.match(line.value):
            problems.append(f"X-PUBLISHED-TTL {line.value!r} is not a duration")
    return problems


def _line_problems(data: bytes) -> list[str]:
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the calendar does not end with CRLF")
    if re.search(rb"(?<!\r)\n|\r(?!\n)", data):
        problems.append("a line ends without CRLF")
    for number, line in enumerate(data.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets long (75 at most)")
    return problems


def _timezone_problems(lines: list[ContentLine]) -> list[str]:
    problems = []
    defined = {
        line.value for line in lines if line.name == "TZID" and line.component == "VTIMEZONE"
    }
    if not defined:
        problems.append("no VTIMEZONE")
    kinds = {line.value.upper() for line in lines if line.name == "BEGIN"}
    if defined and not {"DAYLIGHT", "STANDARD"} <= kinds:
        problems.append("the VTIMEZONE lacks a DAYLIGHT or a STANDARD part")
    parts = [line for line in lines if line.component in {"DAYLIGHT", "STANDARD"}]
    if any(line.name == "RDATE" for line in parts):
        problems.append("the VTIMEZONE uses RDATE (Outlook misreads it): use yearly RRULEs")
    rules = [line for line in parts if line.name == "RRULE"]
    if defined and len(rules) < 2:
        problems.append("the VTIMEZONE's DAYLIGHT and STANDARD parts need a yearly RRULE each")
    for line in lines:
        tzid = line.params.get("TZID")
        if tzid is not None and tzid not in defined:
            problems.append(f"{line.name} uses TZID {tzid!r}, which no VTIMEZONE defines")
    return problems


def _events(lines: list[ContentLine]) -> list[list[ContentLine]]:
    events: list[list[ContentLine]] = []
    for line in lines:
        if line.name == "BEGIN" and line.value.upper() == "VEVENT":
            events.append([])
        elif line.component == "VEVENT" and line.name not in {"BEGIN", "END"}:
            events[-1].append(line)
    return events


def _event_problems(
    event: list[ContentLine], method: str, uids: Collection[str] | None
) -> list[str]:
    problems = []
    named: dict[str, list[ContentLine]] = {}
    for line in event:
        named.setdefault(line.name, []).append(line)
    uid = named["UID"][0].value if "UID" in named else None
    which = f"event {uid}"
    if uid is None:
        problems.append("an event has no UID")
    elif uids is not None and uid not in uids:
        problems.append(f"{which}: UID is not one of {sorted(uids)}")
    if "SEQUENCE" not in named:
        problems.append(f"{which}: no SEQUENCE")
    stamps = named.get("DTSTAMP", [])
    if len(stamps) != 1 or not _UTC_DATE_TIME.match(stamps[0].value) or stamps[0].params:
        problems.append(f"{which}: DTSTAMP must be one UTC date-time")
    organizers = [line.value.lower() for line in named.get("ORGANIZER", [])]
    attendees = [line.value.lower() for line in named.get("ATTENDEE", [])]
    if method in {"REQUEST", "CANCEL"}:
        if len(organizers) != 1:
            problems.append(f"{which}: {method} needs one ORGANIZER")
        elif organizers[0] in attendees:
            problems.append(f"{which}: the ORGANIZER is also an ATTENDEE")
    if method == "PUBLISH" and attendees:
        problems.append(f"{which}: ATTENDEE in a PUBLISH calendar")
    for rule in named.get("RRULE", []):
        if not _OUTLOOK_RULE.match(rule.value) or (
            rule.value.startswith("FREQ=WEEKLY") and "BYDAY=" not in rule.value
        ):
            problems.append(f"{which}: RRULE {rule.value} (only DAILY, or WEEKLY;BYDAY)")
    return problems


def utc(moment: datetime) -> str:
    """An aware datetime in the parsers' "utc" form, for comparisons in tests."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
