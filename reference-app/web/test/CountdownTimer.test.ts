import { mount } from '@vue/test-utils';
import CountdownTimer from '../src/components/CountdownTimer.vue';

describe('CountdownTimer', () => {
  afterEach(() => jest.useRealTimers());

  it('counts down every second and says when the time is up, once', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-30T10:00:00Z') });
    const target = Date.parse('2026-12-01T11:01:02Z');
    const w = mount(CountdownTimer, { props: { target } });
    const digits = () => w.findAll('.countdown-n').map((n) => n.text());
    expect(digits()).toEqual(['01', '01', '01', '02']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(digits()).toEqual(['01', '01', '01', '01']);
    expect(w.emitted('done')).toBeUndefined();
    jest.setSystemTime(target - 1000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(digits()).toEqual(['00', '00', '00', '00']);
    await jest.advanceTimersByTimeAsync(5000);
    expect(w.emitted('done')).toHaveLength(1);
  });

  it('is done at once for a time in the past', () => {
    const w = mount(CountdownTimer, { props: { target: Date.now() - 1 } });
    expect(w.emitted('done')).toHaveLength(1);
  });
});
