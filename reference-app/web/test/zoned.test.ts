import { checkSendAt, validateCard, validateMessage, validateUpload, LIMITS } from '../src/lib/validation';
import {
  addMonths,
  countdownParts,
  currentZoneName,
  parseWall,
  sendAtInstant,
  timeZoneList,
  wallAt,
  wallToInstant,
  zonedText,
} from '../src/lib/zoned';
import { fromSendAt, toSendAt } from '../src/lib/when';

describe('wall time in a zone', () => {
  it('converts wall time to the instant, across zones and seasons', () => {
    expect(wallToInstant(parseWall('2026-07-01T09:00')!, 'Europe/Paris')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(wallToInstant(parseWall('2026-12-01T09:00')!, 'Europe/Paris')).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(wallToInstant(parseWall('2026-12-01T09:00')!, 'America/New_York')).toBe(Date.parse('2026-12-01T14:00:00Z'));
    expect(wallToInstant(parseWall('2026-12-01T09:00')!, 'Asia/Kolkata')).toBe(Date.parse('2026-12-01T03:30:00Z'));
  });

  it('finds no instant for a time skipped by the spring-forward jump', () => {
    expect(wallToInstant(parseWall('2026-03-29T02:30')!, 'Europe/Berlin')).toBeNull();
    expect(wallToInstant(parseWall('2026-03-08T02:30')!, 'America/New_York')).toBeNull();
  });

  it('picks the first of the two instants of a repeated autumn time', () => {
    expect(wallToInstant(parseWall('2026-10-25T02:30')!, 'Europe/Berlin')).toBe(Date.parse('2026-10-25T00:30:00Z'));
  });

  it('round-trips through wallAt', () => {
    const ms = Date.parse('2027-01-15T23:45:00Z');
    expect(wallAt(ms, 'Australia/Sydney')).toMatchObject({ year: 2027, month: 1, day: 16, hour: 10, minute: 45 });
  });

  it('rejects impossible calendar dates and reads API sendAt values', () => {
    expect(parseWall('2026-02-30T10:00')).toBeNull();
    expect(parseWall('2026-02-10T24:00')).toBeNull();
    expect(sendAtInstant('2026-07-01T09:00:00', 'Europe/Paris')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(sendAtInstant('2026-07-01T07:00:00.000Z', 'Europe/Paris')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(fromSendAt('2026-07-01T07:00:00Z', 'Europe/Paris')).toEqual({
      date: '2026-07-01',
      time: '09:00',
      timeZone: 'Europe/Paris',
    });
    expect(toSendAt({ date: '2026-07-01', time: '09:05', timeZone: 'UTC' })).toBe('2026-07-01T09:05');
  });

  it('adds calendar months with day clamping and counts down', () => {
    expect(addMonths({ year: 2026, month: 11, day: 30, hour: 1, minute: 2 }, 3)).toMatchObject({
      year: 2027,
      month: 2,
      day: 28,
    });
    expect(countdownParts(90_061_000, 0)).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1, done: false });
    expect(countdownParts(0, 5).done).toBe(true);
  });
});

describe('validation mirrors the API', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('wants sendAt in the future, within 3 months, existing, in a real zone', () => {
    expect(checkSendAt('2026-11-30T11:00', 'UTC', now).sendAt).toMatch(/future/);
    expect(checkSendAt('2026-12-01T09:00', 'UTC', now)).toEqual({});
    expect(checkSendAt('2027-02-28T11:55', 'UTC', now)).toEqual({});
    expect(checkSendAt('2027-03-01T09:00', 'UTC', now).sendAt).toMatch(/3 months/);
    expect(checkSendAt('2027-03-28T02:30', 'Europe/Berlin', now).sendAt).toMatch(/3 months|does not exist/);
    expect(checkSendAt('2026-12-01T09:00', 'Mars/Olympus', now).timeZone).toBeDefined();
    expect(checkSendAt('2026-12-01', 'UTC', now).sendAt).toBeDefined();
  });

  it('checks names and emails the way the API does', () => {
    const ok = {
      designId: 'd1',
      recipientName: 'Ada',
      recipientEmail: 'ada@example.com',
      senderName: 'Bob',
      senderEmail: 'bob@example.org',
      sendAt: '2026-12-24T09:00',
      timeZone: 'Europe/London',
    };
    expect(validateCard(ok, now)).toEqual({});
    const bad = validateCard(
      {
        ...ok,
        recipientName: ' ',
        recipientEmail: 'ada@',
        senderName: '<b>Bob</b>',
        senderEmail: 'x'.repeat(250) + '@a.io',
        designId: '',
      },
      now,
    );
    expect(Object.keys(bad).sort()).toEqual([
      'designId',
      'recipientEmail',
      'recipientName',
      'senderEmail',
      'senderName',
    ]);
    expect(validateMessage({ name: 'x'.repeat(33), message: 'hi' }).name).toMatch(/32/);
    expect(validateMessage({ name: 'Zoë', message: 'y'.repeat(LIMITS.message + 1) }).message).toMatch(/1000/);
    expect(validateMessage({ name: 'Zoë', message: '  ' }).message).toBeDefined();
  });

  it('checks uploads before sending them', () => {
    const file = (type: string, size: number) => ({ type, size, name: 'f' }) as File;
    expect(validateUpload(file('image/png', 1000), 'birthday')).toEqual({});
    expect(validateUpload(file('image/gif', 1000), 'Birthday')).toEqual({});
    expect(validateUpload(file('application/pdf', 1000), 'Birthday').file).toMatch(/JPEG, PNG, WebP, GIF or AVIF/);
    expect(validateUpload(file('image/jpeg', LIMITS.uploadBytes + 1), 'birthday').file).toMatch(/limit/);
    expect(validateUpload(null, '')).toEqual({ file: 'Choose a picture.', category: 'Choose a category.' });
  });
});

describe('times as people see them', () => {
  // The case: sent at 01:06 in Kolkata, read in Los Angeles (11:36 the day before).
  const ms = Date.parse('2026-12-05T19:36:00Z');

  it("names the card's zone and adds the viewer's own time, with the date when the day differs", () => {
    const t = zonedText(ms, 'Asia/Kolkata', 'America/Los_Angeles', 'en-US');
    expect(t.text).toBe('Sunday, December 6, 2026 at 01:06 AM Asia/Kolkata time');
    expect(t.local).toBe('Saturday, December 5, 2026 at 11:36 AM your time, America/Los Angeles');
  });

  it("gives only the viewer's time on the same day, and nothing when both clocks agree", () => {
    expect(zonedText(ms, 'Europe/Berlin', 'Europe/London', 'en-GB').local).toBe('19:36 your time, Europe/London');
    expect(zonedText(ms, 'Europe/Berlin', 'Europe/Berlin', 'en-GB').local).toBeNull();
    // Different zones with the same clock at that instant: no second time to read.
    expect(zonedText(ms, 'Europe/Berlin', 'Europe/Paris', 'en-GB').local).toBeNull();
  });
});

describe('the time-zone list', () => {
  const all = timeZoneList('Europe/Berlin');

  it('offers UTC first and every zone under its current IANA name, once', () => {
    expect(all[0]).toBe('UTC');
    expect(all).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Asia/Ho_Chi_Minh', 'Europe/Kyiv', 'America/Nuuk']));
    for (const old of ['Asia/Calcutta', 'Asia/Saigon', 'Europe/Kiev', 'America/Godthab'])
      expect(all).not.toContain(old);
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(1)).toEqual([...all.slice(1)].sort());
    // The old names still resolve; the API accepts both, the site shows the new one.
    expect(currentZoneName('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZoneName('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('narrows by the words typed, spaces matching underscores, keeping the chosen zone', () => {
    expect(timeZoneList('', 'new york')).toEqual(['America/New_York']);
    expect(timeZoneList('', 'KOLKATA')).toEqual(['Asia/Kolkata']);
    expect(timeZoneList('', 'utc')).toEqual(['UTC']);
    expect(timeZoneList('Europe/Berlin', 'kolkata')).toEqual(['Asia/Kolkata', 'Europe/Berlin']);
    expect(timeZoneList('', 'no such place')).toEqual([]);
  });
});
