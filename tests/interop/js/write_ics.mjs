// Writes an iCalendar file with Mozilla ical.js, for tests/interop/test_calendar_import.py to
// import: what Thunderbird and the web calendars built on ical.js would hand Guildhall.
//
//   node write_ics.mjs < TEXTS
//       TEXTS is JSON: {"summary", "description", "location", "organizer": {"cn", "email"}};
//       prints the calendar (CRLF lines, as ical.js writes them) on standard output.
//
// The events: a Berlin evening with those texts, a UTC morning, a two-day all-day event, one with
// DURATION instead of DTEND, and a weekly Berlin series across the end of summer time (31 October
// 2027) with an EXDATE, an RDATE and a RECURRENCE-ID override that moves one date. ical.js cannot
// make a VTIMEZONE from the tz database, so Europe/Berlin's is written out here and parsed.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const BERLIN = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE`;

const texts = JSON.parse(readFileSync(0, "utf8"));

const calendar = new ICAL.Component("vcalendar");
calendar.updatePropertyWithValue("prodid", "-//Guildhall interop tests//ical.js//EN");
calendar.updatePropertyWithValue("version", "2.0");
const vtimezone = new ICAL.Component(ICAL.parse(BERLIN));
calendar.addSubcomponent(vtimezone);
const berlin = new ICAL.Timezone(vtimezone);

const stamp = ICAL.Time.fromData({ year: 2027, month: 1, day: 1, hour: 12 }, ICAL.Timezone.utcTimezone);

function at(zone, year, month, day, hour = 0, minute = 0) {
  return ICAL.Time.fromData({ year, month, day, hour, minute }, zone);
}

function event(uid, summary) {
  const vevent = new ICAL.Component("vevent");
  calendar.addSubcomponent(vevent);
  const e = new ICAL.Event(vevent);
  e.uid = uid;
  e.summary = summary;
  vevent.updatePropertyWithValue("dtstamp", stamp);
  return e;
}

/** A date-time property in Berlin time (ical.js sets TZID itself only on DTSTART/DTEND/RECURRENCE-ID). */
function zoned(vevent, name, time) {
  const prop = new ICAL.Property(name);
  prop.setParameter("tzid", berlin.tzid);
  prop.setValue(time);
  vevent.addProperty(prop);
}

const text = event("icaljs-text@guildhall.test", texts.summary);
text.description = texts.description;
text.location = texts.location;
text.startDate = at(berlin, 2027, 5, 4, 18, 30);
text.endDate = at(berlin, 2027, 5, 4, 20, 0);
const organizer = text.component.addPropertyWithValue("organizer", `mailto:${texts.organizer.email}`);
organizer.setParameter("cn", texts.organizer.cn);

const utc = event("icaljs-utc@guildhall.test", "Breakfast on UTC time");
utc.startDate = at(ICAL.Timezone.utcTimezone, 2027, 6, 1, 9, 0);
utc.endDate = at(ICAL.Timezone.utcTimezone, 2027, 6, 1, 10, 30);

const allDay = event("icaljs-all-day@guildhall.test", "Winter retreat (all day)");
allDay.startDate = ICAL.Time.fromDateString("2027-12-24");
allDay.endDate = ICAL.Time.fromDateString("2027-12-26");

const lasting = event("icaljs-duration@guildhall.test", "Walk that lasts PT1H45M");
lasting.startDate = at(berlin, 2027, 7, 10, 14, 0);
lasting.duration = ICAL.Duration.fromString("PT1H45M");

const series = event("icaljs-series@guildhall.test", "Tuesday evenings in Berlin");
series.startDate = at(berlin, 2027, 10, 12, 18, 30);
series.endDate = at(berlin, 2027, 10, 12, 20, 0);
series.component.addPropertyWithValue("rrule", ICAL.Recur.fromString("FREQ=WEEKLY;COUNT=6"));
zoned(series.component, "exdate", at(berlin, 2027, 10, 26, 18, 30));
zoned(series.component, "rdate", at(berlin, 2027, 11, 20, 10, 0));

const moved = event("icaljs-series@guildhall.test", "Tuesday evenings in Berlin");
moved.recurrenceId = at(berlin, 2027, 11, 9, 18, 30);
moved.startDate = at(berlin, 2027, 11, 11, 19, 0);
moved.endDate = at(berlin, 2027, 11, 11, 20, 30);

process.stdout.write(calendar.toString() + "\r\n");
