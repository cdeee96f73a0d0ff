// Reads iCalendar files with ical.js (the npm package, a second-language parser) and prints, as JSON,
// each file's events with their start and end instants in UTC seconds, as ical.js resolves them from the
// file's own VTIMEZONE. Used by test_dst_parsers.py; run as `node instants.mjs FILE...`.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  out[path] = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    };
  });
}
process.stdout.write(JSON.stringify(out));
