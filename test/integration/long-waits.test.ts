// A level's hard limit can be longer than one Node timer holds (~24.8 days: 20 working days for a resubmission
// over a holiday): the local engine arms its timer again until the deadline instead of expiring early. Here the
// longest timer is made 200 ms and the hard limit 4 s. And a wait that was given up leaves no timer behind.
import { describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { delayEngineCall, failEngineCalls, recordsTaskToken } from '../support/faults.js';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';

// The township is configured to expire (by default an office's delay passes the application up): the expiry shows when the wait ends.
// No per-caller limit: these tests poll the application every 25 ms, and a slow expiry under the whole suite's load
// once took past the limit's 300 requests a minute, after which the polls saw 429s, never EXPIRED.
const file = stackForFile({ env: { TIME_LIMITS: 'township=1s/4s', ESCALATION: 'township=expire', RATE_LIMITS: 'caller=off' }, engine: { maxTimerMs: 200 } });

describe('a wait longer than the longest timer', () => {
  it('expires at its deadline, not when the first timer fires', async () => {
    // Prepare
    const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
    expect(out.status, out.text).toBe(201);
    const id = out.body.id as string;
    const { task } = await taskInInbox(file.api, file.tokens.township, id, 5_000);

    // Act: several timers' worth of waiting, still before the deadline
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(task.expiresAt) - Date.now() - 1_000)));
    const before = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });

    // Assess
    expect(before.body.status).toBe('PENDING');
    const expired = await eventually(async () => {
      const now = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });
      return now.body.status === 'EXPIRED' ? now.body : undefined;
    }, 5_000, 'EXPIRED');
    expect(Date.parse(expired.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.expiresAt) - 50);
  });

  it('leaves no timer behind for an attempt that failed: nothing rejects unheard at that attempt’s deadline', async () => {
    // Prepare: the first attempt to record the token fails (the wait it armed is given up); the workflow's Retry
    // makes a second, whose wait expires the application
    const unheard: unknown[] = [];
    const listen = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', listen);
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'ThrottlingException', times: 1 });
    try {
      // Act
      const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
      expect(out.status, out.text).toBe(201);
      await taskInInbox(file.api, file.tokens.township, out.body.id);
      fault.heal();
      await eventually(async () => {
        const now = await file.api.call('GET', `/v1/applications/${out.body.id}`, { token: file.tokens.applicant });
        return now.body.status === 'EXPIRED' ? true : undefined;
      }, 10_000, 'EXPIRED');
      // The given-up wait's deadline came before the retried one's: its rejection, if any, has been reported.
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Assess
      expect(fault.failed).toHaveLength(1);
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
      fault.heal();
    }
  });

  it('survives a deadline passing while the token is being recorded (a restart after the hard limit): no unheard rejection, the application expires', { timeout: 30_000 }, async () => {
    // Prepare: the call recording the township's token takes longer than the whole hard limit, as when the stack
    // starts again after the deadline passed while it was down, and the wait's timer fires before the call returns
    const unheard: unknown[] = [];
    const listen = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', listen);
    const slow = delayEngineCall(file.api, { matches: recordsTaskToken, ms: 4_500 });
    try {
      // Act
      const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
      expect(out.status, out.text).toBe(201);
      let seen: unknown;
      const expired = await eventually(async () => {
        const now = await file.api.call('GET', `/v1/applications/${out.body.id}`, { token: file.tokens.applicant });
        seen = { http: now.status, status: now.body.status, history: now.body.history?.map((e: { action: string; at: string }) => `${e.at} ${e.action}`), task: now.body.task, delayed: slow.delayed.length };
        return now.body.status === 'EXPIRED' ? now.body : undefined;
      }, 25_000, 'EXPIRED').catch((error: Error) => {
        // What the application (or its answer) was when it did not expire.
        throw new Error(`${error.message}; last seen ${JSON.stringify(seen)}`);
      });

      // Assess
      expect(slow.delayed).toHaveLength(1);
      expect(expired.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'expire']);
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
      slow.heal();
    }
  });
});
