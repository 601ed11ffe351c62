// Reads an iCalendar file on stdin with ical.js (the parser inside Thunderbird) and prints
// what a calendar program would see, as JSON. Used by tests/calendar_parsers.py.
//
// Times are read with the calendar's own VTIMEZONE (nothing is registered with ical.js's
// timezone service), so a wrong VTIMEZONE shows up as wrong UTC times.
//
// Usage: node tests/js/parse_ics.mjs [occurrences to expand, default 60] < calendar.ics
import ICAL from "ical.js";

const LONDON = "Europe/London";
const limit = Number(process.argv[2] ?? 60);

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function moment(time, calendar) {
  if (!time) return null;
  const london = calendar.getTimeZoneByID(LONDON);
  return {
    utc: time.convertToZone(ICAL.Timezone.utcTimezone).toString(),
    local: london ? time.convertToZone(london).toString() : null,
    tzid: time.zone ? time.zone.tzid : (time.timezone ?? null),
    zone_defined: Boolean(time.zone && (time.zone === ICAL.Timezone.utcTimezone || calendar.getTimeZoneByID(time.zone.tzid))),
  };
}

function text(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

const calendar = new ICAL.Component(ICAL.parse(await readStdin()));
const vevents = calendar.getAllSubcomponents("vevent");
const masters = new Map();
for (const vevent of vevents) {
  if (!vevent.hasProperty("recurrence-id") && vevent.hasProperty("rrule")) {
    masters.set(text(vevent, "uid"), new ICAL.Event(vevent));
  }
}
for (const vevent of vevents) {
  const master = masters.get(text(vevent, "uid"));
  if (vevent.hasProperty("recurrence-id") && master) master.relateException(vevent);
}

const events = vevents.map((vevent) => {
  const event = new ICAL.Event(vevent);
  const parsed = {
    uid: event.uid,
    sequence: event.sequence,
    status: text(vevent, "status"),
    summary: event.summary,
    location: event.location,
    description: event.description,
    url: text(vevent, "url"),
    recurrence_id: moment(vevent.getFirstPropertyValue("recurrence-id"), calendar),
    start: moment(event.startDate, calendar),
    end: moment(event.endDate, calendar),
    rrule: vevent.hasProperty("rrule") ? vevent.getFirstPropertyValue("rrule").toString() : null,
    exdates: vevent.getAllProperties("exdate").flatMap((p) => p.getValues()).map((t) => moment(t, calendar)),
    organizer: text(vevent, "organizer"),
    attendees: vevent.getAllProperties("attendee").map((p) => String(p.getFirstValue())),
    occurrences: null,
  };
  if (parsed.rrule && !parsed.recurrence_id) {
    const master = masters.get(event.uid);
    const iterator = master.iterator();
    parsed.occurrences = [];
    for (let next = iterator.next(); next && parsed.occurrences.length < limit; next = iterator.next()) {
      const details = master.getOccurrenceDetails(next);
      parsed.occurrences.push({
        recurrence_id: moment(details.recurrenceId, calendar),
        start: moment(details.startDate, calendar),
        end: moment(details.endDate, calendar),
        summary: details.item.summary,
        status: text(details.item.component, "status"),
      });
    }
  }
  return parsed;
});

const duration = (name) => {
  const property = calendar.getFirstProperty(name);
  return property ? { value: String(property.getFirstValue()), type: property.type } : null;
};

process.stdout.write(
  JSON.stringify({
    method: text(calendar, "method"),
    name: text(calendar, "name"),
    x_wr_calname: text(calendar, "x-wr-calname"),
    x_wr_timezone: text(calendar, "x-wr-timezone"),
    refresh_interval: duration("refresh-interval"),
    published_ttl: duration("x-published-ttl"),
    timezones: calendar.getAllSubcomponents("vtimezone").map((z) => text(z, "tzid")),
    events,
  }),
);
