// The sweeper's run budget, with a store that only counts: no item is begun once the deadline has come, so that a
// deployed run finishes what it began before its function's timeout (and before its deliveries' leases run out).
import { describe, expect, it } from 'vitest';
import { sweep, type SweepServices } from '#functions/services/sweep.js';
import { silentLogger } from '#functions/log.js';

function servicesWithClock(items: number, eachMs: number) {
  let now = Date.parse('2026-12-02T02:00:00Z');
  const taken: number[] = [];
  const due = Array.from({ length: items }, (_, i) => ({ kind: 'delivery', key: { pk: `DELIVERY#${i}`, sk: 'email' }, seen: String(i), item: {} }));
  const s = {
    now: () => new Date(now),
    log: silentLogger,
    notifications: {
      due: async () => due,
      // Each item takes `eachMs`; answering "not at its turn any more" makes the item a no-op for the rest of the sweep.
      atTurn: async (item: { seen: string }) => {
        taken.push(Number(item.seen));
        now += eachMs;
        return undefined;
      },
    },
  } as unknown as SweepServices;
  return { s, taken, start: now };
}

describe('a sweep’s deadline', () => {
  it('begins no item at or after it', async () => {
    // Prepare: five items due, each taking 10 s
    const { s, taken, start } = servicesWithClock(5, 10_000);

    // Act: a deadline 25 s on
    await sweep(s, { deadline: start + 25_000 });

    // Assess: begun at 0, 10 and 20 s; not at 30
    expect(taken).toEqual([0, 1, 2]);
  });

  it('without one takes every item due', async () => {
    const { s, taken } = servicesWithClock(5, 10_000);
    await sweep(s);
    expect(taken).toEqual([0, 1, 2, 3, 4]);
  });
});
