import { isValidTimeZone, lessonDueBy, localTimeToInstant, safeTimeZone, workingDaySchedule } from '../../src/onboarding/schedule';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('working-day schedule', () => {
  it('sends one lesson per working day from the next day, skipping Saturday and Sunday (UTC)', () => {
    // Wednesday 2026-01-14, afternoon: Thu, Fri, then Mon, Tue, Wed.
    const from = new Date('2026-01-14T15:30:00Z');
    expect(iso(workingDaySchedule(from, 5, { hour: 9 }))).toEqual([
      '2026-01-15T09:00:00.000Z',
      '2026-01-16T09:00:00.000Z',
      '2026-01-19T09:00:00.000Z',
      '2026-01-20T09:00:00.000Z',
      '2026-01-21T09:00:00.000Z',
    ]);
  });

  it('starting on Friday, Saturday or Sunday, the next lesson comes on Monday', () => {
    for (const day of ['2026-01-16T08:00:00Z', '2026-01-17T12:00:00Z', '2026-01-18T23:00:00Z']) {
      expect(iso(workingDaySchedule(new Date(day), 2, { hour: 9 }))).toEqual(['2026-01-19T09:00:00.000Z', '2026-01-20T09:00:00.000Z']);
    }
  });

  it('starting before the hour on a working day still waits for the next working day', () => {
    expect(iso(workingDaySchedule(new Date('2026-01-12T06:00:00Z'), 1, { hour: 9 }))).toEqual(['2026-01-13T09:00:00.000Z']);
  });

  it('uses the user\'s local date and hour, across a daylight-saving change', () => {
    // Friday 6 March 2026, 17:00 in Los Angeles (PST, UTC-8); DST starts Sunday 8 March (PDT, UTC-7).
    const from = new Date('2026-03-07T01:00:00Z');
    expect(iso(workingDaySchedule(from, 2, { hour: 9, timeZone: 'America/Los_Angeles' }))).toEqual([
      '2026-03-09T16:00:00.000Z', // Monday 09:00 PDT
      '2026-03-10T16:00:00.000Z',
    ]);
    // Late Sunday evening in UTC is already Monday morning in Tokyo, so the next lesson is Tuesday there.
    expect(iso(workingDaySchedule(new Date('2026-01-18T22:00:00Z'), 1, { hour: 9, timeZone: 'Asia/Tokyo' }))).toEqual(['2026-01-20T00:00:00.000Z']);
  });

  it('converts local wall-clock times to instants', () => {
    expect(localTimeToInstant(2026, 7, 1, 9, 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(localTimeToInstant(2026, 1, 1, 9, 'Europe/Berlin').toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(localTimeToInstant(2026, 1, 1, 9, 'Asia/Kolkata').toISOString()).toBe('2026-01-01T03:30:00.000Z');
  });

  it('rejects an invalid hour or time zone, and falls back to UTC for unknown zones from platforms', () => {
    expect(() => workingDaySchedule(new Date(), 1, { hour: 24 })).toThrow(RangeError);
    expect(() => workingDaySchedule(new Date(), 1, { hour: 9, timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(safeTimeZone('Mars/Olympus')).toBe('UTC');
    expect(safeTimeZone(undefined)).toBe('UTC');
    expect(safeTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });
});

describe('lessonDueBy', () => {
  const started = new Date('2026-01-14T15:30:00Z'); // Wednesday
  it('is lesson 1 at once, then one more per working day at the hour', () => {
    const at = (s: string) => lessonDueBy(started, 6, new Date(s), { hour: 9 });
    expect(at('2026-01-14T16:00:00Z')).toBe(1);
    expect(at('2026-01-15T08:59:59Z')).toBe(1);
    expect(at('2026-01-15T09:00:00Z')).toBe(2);
    expect(at('2026-01-18T12:00:00Z')).toBe(3); // Sunday: Thursday and Friday only
    expect(at('2026-01-19T09:00:00Z')).toBe(4);
    expect(at('2026-03-01T00:00:00Z')).toBe(6);
  });
});
