/**
 * The report the router hands its caller, and the error the handler throws from it: counts per
 * status, which outcomes count as failures, and the error message an on-call reads in the Lambda's
 * logs and the dead-letter queue (which alarm, which receiver and target, why).
 */
import { DeliveryFailedError, Report, type Outcome } from '../src/engine/report';

describe('Report', () => {
  it('counts each status on its own and lists rejected payloads among the failures', () => {
    const report = new Report();
    report.add({ status: 'delivered', eventId: 'a' });
    report.add({ status: 'delivered', eventId: 'b' });
    report.add({ status: 'muted', eventId: 'c' });
    report.add({ status: 'failed', eventId: 'd' });
    report.add({ status: 'rejected', eventId: 'e' });
    expect(report.count('delivered')).toBe(2);
    expect(report.count('muted')).toBe(1);
    expect(report.count('pending')).toBe(0);
    expect(report.failed.map((o) => o.eventId)).toEqual(['d', 'e']);
  });
});

describe('DeliveryFailedError', () => {
  const failure = (n: number): Outcome => ({
    status: 'failed',
    eventId: `msg-${n}`,
    alarmName: `alarm-${n}`,
    receiver: 'page',
    target: 'slack:#page',
    detail: `hook ${n} gone`,
  });

  it('names alarm, receiver, target and cause of each failure; ids and dashes stand in for what is unknown', () => {
    const err = new DeliveryFailedError([
      failure(1),
      { status: 'rejected', eventId: 'raw-7' },
      { status: 'failed', eventId: 'msg-8', alarmName: 'db', receiver: 'page', detail: 'no SNS client' },
    ]);
    expect(err.name).toBe('DeliveryFailedError');
    expect(err).toBeInstanceOf(Error);
    expect(err.failures).toHaveLength(3);
    expect(err.message).toBe(
      '3 notification(s) failed: alarm-1 -> page/slack:#page: hook 1 gone; raw-7 -> -/-: rejected; db -> page/-: no SNS client',
    );
  });

  it('lists five failures whole and says when there were more', () => {
    const five = [1, 2, 3, 4, 5].map(failure);
    const listed = five.map((f) => `${f.alarmName} -> page/slack:#page: ${f.detail}`).join('; ');
    expect(new DeliveryFailedError(five).message).toBe(`5 notification(s) failed: ${listed}`);
    expect(new DeliveryFailedError([...five, failure(6)]).message).toBe(`6 notification(s) failed: ${listed}; …`);
  });
});
