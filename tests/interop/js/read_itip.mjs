// Reads an iTIP calendar (the text/calendar part of an invitation mail, RFC 5546/6047) with
// Mozilla ical.js and prints what it understood as JSON, for tests/mail to compare.
//
//   node read_itip.mjs FILE [N]
//       {"method": "REQUEST", "events": [...]}: every VEVENT with its UID, SEQUENCE, STATUS,
//       start and end, ORGANIZER and ATTENDEEs, and its first N occurrences (default 50) as
//       ical.js expands them, each with its UTC instant, its wall-clock time in the event's
//       zone and that zone's UTC offset then (seconds).
//
// Times are UTC ISO 8601 without fractions ("2027-03-10T17:00:00Z"); wall-clock times are
// "2027-03-10T18:00:00".
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function isoUtc(time) {
  return new Date(time.toUnixTime() * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function moment(time) {
  if (!time) return null;
  return {
    utc: isoUtc(time),
    local: time.toString(),
    tzid: time.zone?.tzid ?? null,
    offset: time.utcOffset(),
  };
}

function person(prop) {
  if (!prop) return null;
  const params = {};
  for (const name of ["cn", "role", "partstat", "rsvp"]) {
    const value = prop.getParameter(name);
    if (value !== undefined && value !== null) params[name] = value;
  }
  return { value: prop.getFirstValue(), ...params };
}

function eventJson(vevent, n) {
  const event = new ICAL.Event(vevent, { strictExceptions: true, exceptions: [] });
  const occurrences = [];
  if (event.isRecurring()) {
    const it = event.iterator();
    for (let next = it.next(); next && occurrences.length < n; next = it.next()) {
      const details = event.getOccurrenceDetails(next);
      occurrences.push({ start: moment(details.startDate), end: moment(details.endDate) });
    }
  } else {
    occurrences.push({ start: moment(event.startDate), end: moment(event.endDate) });
  }
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    summary: event.summary,
    start: moment(event.startDate),
    end: moment(event.endDate),
    organizer: person(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(person),
    occurrences,
  };
}

const [file, count] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: read_itip.mjs FILE [N]\n");
  process.exit(2);
}
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
const result = {
  method: root.getFirstPropertyValue("method"),
  timezones: root.getAllSubcomponents("vtimezone").map((c) => c.getFirstPropertyValue("tzid")),
  events: root.getAllSubcomponents("vevent").map((v) => eventJson(v, count ? Number(count) : 50)),
};
process.stdout.write(JSON.stringify(result) + "\n");
