import { describe, expect, it } from 'vitest';
import type { Workshop } from './ipc';
import {
  addMinutes,
  checkForm,
  emptyForm,
  formFromWorkshop,
  inputFromForm,
  nextDay,
  placeError,
  sessionTimes,
} from './workshops';

const workshop: Workshop = {
  id: 'wks_1',
  title: 'Study group',
  description: 'Bring a laptop.',
  status: 'scheduled',
  timeZone: 'Europe/Berlin',
  venue: 'Kiezhaus',
  onlineUrl: null,
  capacity: 12,
  facilitators: [{ id: 'mem_1', name: 'Zoë', email: null }],
  tags: ['rust'],
  sessions: [
    {
      id: 'ses_1',
      title: '',
      start: '2027-03-16T17:30:00Z',
      end: '2027-03-16T19:00:00Z',
      startLocal: '2027-03-16T18:30',
      endLocal: '2027-03-16T20:00',
      allDay: false,
      icalUid: 'a@guildhall',
    },
  ],
  series: {
    rule: 'FREQ=WEEKLY;BYDAY=TU;INTERVAL=2;UNTIL=20270630T215959Z',
    summary: 'Every 2 weeks on Tuesday, until 30 Jun 2027',
    input: { frequency: 'weekly', interval: 2, until: '2027-06-30', count: null, rule: null },
  },
  exceptions: [],
  icalUid: 'w@guildhall',
  icalSequence: 3,
  createdAt: '2026-11-26T10:00:00Z',
  updatedAt: '2026-11-26T10:00:00Z',
};

describe('workshop form', () => {
  it('round-trips a stored workshop into the input the core takes', () => {
    const input = inputFromForm(formFromWorkshop(workshop));
    expect(input).toEqual({
      title: 'Study group',
      description: 'Bring a laptop.',
      status: 'scheduled',
      timeZone: 'Europe/Berlin',
      venue: 'Kiezhaus',
      onlineUrl: null,
      capacity: 12,
      facilitatorIds: ['mem_1'],
      tags: ['rust'],
      sessions: [{ id: 'ses_1', title: '', start: '2027-03-16T18:30', end: '2027-03-16T20:00' }],
      series: { frequency: 'weekly', interval: 2, until: '2027-06-30', count: null, rule: null },
    });
  });

  it('keeps an all-day session as its first and last day', () => {
    const allDay = {
      ...workshop,
      series: null,
      sessions: [
        {
          ...workshop.sessions[0],
          startLocal: '2027-06-05T00:00',
          endLocal: '2027-06-07T00:00',
          allDay: true,
        },
      ],
    };
    const form = formFromWorkshop(allDay);
    expect(form.sessions[0]).toMatchObject({
      allDay: true,
      date: '2027-06-05',
      lastDate: '2027-06-06',
    });
    expect(inputFromForm(form).sessions[0]).toMatchObject({
      start: '2027-06-05',
      end: '2027-06-06',
    });
    form.sessions[0].lastDate = '2027-06-04';
    expect(checkForm(form).sessions).toBe('An all-day session ends on or after the day it starts.');
  });

  it('asks about an end before the start, and ends on the next day only when told', () => {
    const form = emptyForm('Europe/Berlin', '2027-12-31');
    form.title = 'New year';
    form.sessions[0].start = '20:00';
    form.sessions[0].end = '18:00';
    // 20:00-18:00 is a slip, not a 22-hour session.
    expect(checkForm(form).sessions).toContain('Session 1 ends (18:00) before it starts (20:00)');
    expect(sessionTimes(form.sessions[0])).toEqual({
      start: '2027-12-31T20:00',
      end: '2027-12-31T18:00',
    });
    form.sessions[0].start = '22:00';
    form.sessions[0].end = '01:00';
    form.sessions[0].endsNextDay = true;
    expect(checkForm(form)).toEqual({});
    expect(sessionTimes(form.sessions[0])).toEqual({
      start: '2027-12-31T22:00',
      end: '2028-01-01T01:00',
    });
    // "Next day" on a session that ends later the same day is a contradiction.
    form.sessions[0].end = '23:00';
    expect(checkForm(form).sessions).toContain('untick “ends the next day”');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(addMinutes('22:00', 90)).toBe('23:30');
    expect(addMinutes('23:00', 90)).toBe('23:59');
  });

  it('catches obvious slips before asking the core', () => {
    const form = emptyForm('Europe/Berlin', '2027-01-05');
    expect(checkForm(form)).toEqual({ title: 'A title is required.' });
    form.title = 'x';
    form.capacity = 'ten';
    form.onlineUrl = 'javascript:alert(1)';
    form.repeat = 'weekly';
    form.ends = 'on';
    expect(Object.keys(checkForm(form)).sort()).toEqual(['capacity', 'onlineUrl', 'series']);
  });

  it('puts the core’s validation errors beside their field', () => {
    expect(placeError({ kind: 'validation', field: 'timeZone', message: 'bad zone' })).toEqual({
      field: 'timeZone',
      message: 'bad zone',
    });
    expect(placeError({ kind: 'internal', message: 'disk full' })).toEqual({
      field: null,
      message: 'disk full',
    });
  });
});
