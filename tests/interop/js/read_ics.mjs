// Reads an iCalendar file with Mozilla ical.js (what Thunderbird and many web calendars use) and
// prints what it understood as JSON, for the Python interop tests to compare.
//
//   node read_ics.mjs FILE [N]
//       {"events": [...]}: every VEVENT without RECURRENCE-ID (overrides are related to their
//       master by UID), with its first N occurrences (default 50) as ical.js expands them:
//       EXDATE honoured, RECURRENCE-ID overrides applied.
//   node read_ics.mjs offsets FILE TZID START_YEAR END_YEAR STEP_HOURS
//       {"tzid": ..., "offsets": {"2020-01-01T00:00:00Z": 3600, ...}}: the UTC offset in seconds
//       the VTIMEZONE TZID gives at every STEP_HOURS from START_YEAR-01-01 to END_YEAR-12-31.
//   node read_ics.mjs offsets-at FILE TZID < INSTANTS
//       The same for the UTC instants on stdin, one ISO 8601 "...Z" per line.
//
// Times are UTC ISO 8601 without fractions ("2027-03-16T17:30:00Z"); a DATE is "2027-03-16"; a
// floating time has no "Z".
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function parse(file) {
  return new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
}

function isoUtc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function timeJson(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  if (time.zone === ICAL.Timezone.localTimezone || time.zone?.tzid === "floating") {
    return time.toString();
  }
  return isoUtc(time.toUnixTime() * 1000);
}

function zoneOf(time) {
  return time?.zone?.tzid ?? null;
}

function person(prop) {
  if (!prop) return null;
  const params = {};
  for (const name of ["cn", "role", "partstat", "rsvp", "cutype", "email"]) {
    const value = prop.getParameter(name);
    if (value !== undefined && value !== null) params[name] = value;
  }
  return { value: prop.getFirstValue(), ...params };
}

function eventJson(event, n) {
  const c = event.component;
  const occurrences = [];
  if (event.isRecurring()) {
    const it = event.iterator();
    for (let next = it.next(); next && occurrences.length < n; next = it.next()) {
      const details = event.getOccurrenceDetails(next);
      occurrences.push({
        recurrence_id: timeJson(details.recurrenceId),
        start: timeJson(details.startDate),
        end: timeJson(details.endDate),
        summary: details.item.summary,
      });
    }
  } else {
    occurrences.push({
      recurrence_id: null,
      start: timeJson(event.startDate),
      end: timeJson(event.endDate),
      summary: event.summary,
    });
  }
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: c.getFirstPropertyValue("status"),
    sequence: event.sequence,
    dtstart: timeJson(event.startDate),
    dtstart_tzid: zoneOf(event.startDate),
    dtend: timeJson(event.endDate),
    dtend_tzid: zoneOf(event.endDate),
    organizer: person(c.getFirstProperty("organizer")),
    attendees: c.getAllProperties("attendee").map(person),
    exdates: c.getAllProperties("exdate").map((p) => timeJson(p.getFirstValue())),
    overrides: Object.values(event.exceptions).map((e) => ({
      recurrence_id: timeJson(e.recurrenceId),
      start: timeJson(e.startDate),
      summary: e.summary,
    })),
    occurrences,
  };
}

function events(file, n) {
  const vevents = parse(file).getAllSubcomponents("vevent");
  const masters = new Map();
  const out = [];
  for (const vevent of vevents) {
    if (!vevent.hasProperty("recurrence-id")) {
      // An empty `exceptions` list: ical.js would otherwise relate every override in the file
      // to every master (and, strict, throw on the first of another UID); we relate by UID.
      const event = new ICAL.Event(vevent, { strictExceptions: true, exceptions: [] });
      masters.set(event.uid, event);
      out.push(event);
    }
  }
  for (const vevent of vevents) {
    if (vevent.hasProperty("recurrence-id")) {
      const exception = new ICAL.Event(vevent);
      const master = masters.get(exception.uid);
      if (master) master.relateException(exception);
      else out.push(exception);
    }
  }
  return { events: out.map((e) => eventJson(e, n)) };
}

// The offset at a UTC instant, read from the transitions ical.js expanded from the VTIMEZONE.
// ical.js's own UTC-to-zone conversion (Time.convertToZone) looks the UTC time up as if it were
// wall-clock time, which is off by design for a few hours around every transition; this asks
// what ical.js understood from the file instead, which is the question the tests ask.
function offsetReader(file, tzid, untilYear) {
  const vtimezone = parse(file)
    .getAllSubcomponents("vtimezone")
    .find((c) => c.getFirstPropertyValue("tzid") === tzid);
  if (!vtimezone) throw new Error(`no VTIMEZONE ${tzid} in ${file}`);
  const tz = new ICAL.Timezone(vtimezone);
  tz._ensureCoverage(untilYear + 1);
  const changes = tz.changes.map((c) => ({
    at: Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second),
    offset: c.utcOffset,
  }));
  changes.sort((a, b) => a.at - b.at);
  return (ms) => {
    // The last change at or before ms; before the first, its "from" side is unknown: null.
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (changes[mid].at <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : changes[lo - 1].offset;
  };
}

function offsetsGrid(file, tzid, startYear, endYear, stepHours) {
  const offsetAt = offsetReader(file, tzid, endYear);
  const offsets = {};
  const end = Date.UTC(endYear, 11, 31, 23, 59, 59);
  for (let ms = Date.UTC(startYear, 0, 1); ms <= end; ms += stepHours * 3600 * 1000) {
    offsets[isoUtc(ms)] = offsetAt(ms);
  }
  return { tzid, offsets };
}

function offsetsAt(file, tzid, instants) {
  const times = instants.map((s) => [s, Date.parse(s)]);
  const lastYear = Math.max(...times.map(([, ms]) => new Date(ms).getUTCFullYear()));
  const offsetAt = offsetReader(file, tzid, lastYear);
  const offsets = {};
  for (const [s, ms] of times) offsets[s] = offsetAt(ms);
  return { tzid, offsets };
}

const args = process.argv.slice(2);
let result;
if (args[0] === "offsets") {
  const [, file, tzid, start, end, step] = args;
  result = offsetsGrid(file, tzid, Number(start), Number(end), Number(step));
} else if (args[0] === "offsets-at") {
  const [, file, tzid] = args;
  const instants = readFileSync(0, "utf8").split("\n").map((s) => s.trim()).filter(Boolean);
  result = offsetsAt(file, tzid, instants);
} else if (args.length >= 1) {
  result = events(args[0], args[1] ? Number(args[1]) : 50);
} else {
  process.stderr.write("usage: read_ics.mjs FILE [N] | offsets FILE TZID START END STEP_HOURS\n");
  process.exit(2);
}
process.stdout.write(JSON.stringify(result) + "\n");
