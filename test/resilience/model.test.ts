// Model-based: random sequences of submit / decide (approve, reject, return) / resubmit / withdraw / restart
// against the local stack, checking after every step that
//   - the application is where the model says, and each call was refused (409) exactly when the model says;
//   - its history only follows the approval state machine, with one decision per level and round;
//   - history is append-only: what was read before is a prefix of what is read now;
//   - it is in the registry (and its certificate verifies) if and only if it is APPROVED;
//   - every PENDING application is in exactly its level's inbox, and nothing else is in any inbox;
//   - the approval pipeline (GET /v1/stats) counts every PENDING application at its level and every RETURNED one, in
//     the province, 清远市 and 连州市 alike, and every return made.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainTokens, harness, type Client, type Harness } from '../support/local.js';
import { submission } from '../support/submissions.js';
import { isSettled, listAll, waitForApplications } from '../support/applications.js';

const TOWNSHIP = '441882102'; // a society station hosted here goes township → county → province
const levels = ['township', 'county', 'province'] as const;
type Level = (typeof levels)[number];
type Status = 'PENDING' | 'RETURNED' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
const MAX_RETURNS = 3; // the default of MAX_RETURNS

interface ModelApp {
  id: string;
  status: Status;
  level: Level;
  returns: number;
  /** The history as last read, to check that the next read extends it. */
  seen: unknown[];
}
interface Model {
  apps: ModelApp[];
  /** How many steps of each kind went through (for DEBUG_RESILIENCE: is the sequence reaching deep paths?). */
  done: Record<string, number>;
}

const count = (model: Model, what: string) => (model.done[what] = (model.done[what] ?? 0) + 1);
interface Real {
  api: Client;
  suffix: string;
  t: Record<'applicant' | 'admin' | Level, string>;
}

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h?.close());

const open = (app: ModelApp) => app.status === 'PENDING' || app.status === 'RETURNED';

// --- the state machine the history must follow --------------------------------------------------

/** Replays a history; answers where it leads, or the first step that the approval state machine does not allow. */
function replay(history: { action: string; level: string | null }[]): { status: Status; level: Level } | { illegal: string } {
  let state: { status: Status; level: Level } | undefined;
  let decided = new Set<string>();
  for (const [i, entry] of history.entries()) {
    const illegal = { illegal: `entry ${i} ${entry.action}@${entry.level} after ${state ? `${state.status}@${state.level}` : 'nothing'}` };
    if (entry.action === 'submit') {
      if (state) return illegal;
      state = { status: 'PENDING', level: 'township' };
      continue;
    }
    if (!state) return illegal;
    switch (entry.action) {
      case 'approve':
      case 'reject':
      case 'return': {
        // A decision: by the level awaited, once per level in each round (a resubmission starts a new round).
        if (state.status !== 'PENDING' || entry.level !== state.level || decided.has(state.level)) return illegal;
        decided.add(state.level);
        const next = levels[levels.indexOf(state.level) + 1];
        if (entry.action === 'approve') state = next ? { status: 'PENDING', level: next } : { status: 'APPROVED', level: state.level };
        else state = { status: entry.action === 'reject' ? 'REJECTED' : 'RETURNED', level: state.level };
        break;
      }
      case 'resubmit':
        if (state.status !== 'RETURNED' || entry.level !== state.level) return illegal;
        state = { status: 'PENDING', level: state.level };
        decided = new Set();
        break;
      case 'withdraw':
        if (state.status !== 'PENDING' && state.status !== 'RETURNED') return illegal;
        state = { status: 'WITHDRAWN', level: state.level };
        break;
      default:
        return illegal;
    }
  }
  return state ?? { illegal: 'empty history' };
}

// --- invariants, after every step ------------------------------------------------------------------

async function checkInvariants(model: Model, real: Real) {
  const { api, t } = real;
  const apps = await waitForApplications(api, t.applicant, model.apps.map((a) => a.id), isSettled);
  for (const [i, app] of apps.entries()) {
    const expected = model.apps[i];
    const where = `${app.id}: ${app.history.map((e: { action: string; level: string }) => `${e.action}@${e.level}`).join(' → ')}`;
    expect(app.status, where).toBe(expected.status);
    if (open(expected)) expect(app.currentLevel, where).toBe(expected.level);
    // Legal transitions only, one decision per level and round
    const replayed = replay(app.history);
    expect(replayed, where).toEqual({ status: app.status, level: app.currentLevel });
    // Append-only
    expect(app.history.slice(0, expected.seen.length), where).toEqual(expected.seen);
    expected.seen = app.history;
    // Registry iff APPROVED
    if (app.status === 'APPROVED') {
      expect(app.certificateNo, where).toEqual(expect.any(String));
      const certificate = await api.call('GET', `/v1/certificates/${encodeURIComponent(app.certificateNo)}`);
      expect(certificate.status, where).toBe(200);
      expect(certificate.body).toMatchObject({ valid: true, certificateNo: app.certificateNo, regionCode: app.regionCode });
    } else {
      expect(app.certificateNo, where).toBeNull();
    }
  }
  const registry = await listAll(api, `/v1/registry?region=${TOWNSHIP}`, t.admin);
  expect(registry.map((r) => r.id).sort()).toEqual(apps.filter((a) => a.status === 'APPROVED').map((a) => a.id).sort());
  // Every pending application in exactly its level's inbox, nothing else in any
  for (const level of levels) {
    const inbox = (await listAll(api, '/v1/tasks', t[level])).map((item) => item.id).sort();
    expect(inbox, `${level} inbox`).toEqual(apps.filter((a) => a.status === 'PENDING' && a.currentLevel === level).map((a) => a.id).sort());
  }
  // The pipeline's counters, kept by the writes, agree with the applications as they are
  const stats = await api.call('GET', '/v1/stats', { token: t.admin });
  expect(stats.status, stats.text).toBe(200);
  const { pipeline } = stats.body;
  const pending = Object.fromEntries(levels.map((level) => [level, apps.filter((a) => a.status === 'PENDING' && a.currentLevel === level).length]));
  const returned = apps.filter((a) => a.status === 'RETURNED').length;
  expect(Object.fromEntries(pipeline.levels.map((l: { level: string; pending: number }) => [l.level, l.pending])), 'pipeline: pending by level').toEqual(pending);
  expect(pipeline.returned, 'pipeline: returned').toBe(returned);
  for (const row of [pipeline.byCity.find((c: { code: string }) => c.code === '4418'), pipeline.byCounty.find((c: { code: string }) => c.code === '441882')]) {
    expect({ pending: row.pending, returned: row.returned }, `pipeline: ${row.name}`).toEqual({ pending, returned });
  }
  const returns = apps.reduce((n, a) => n + a.history.filter((e: { action: string }) => e.action === 'return').length, 0);
  expect(pipeline.returnsByType.find((r: { type: string }) => r.type === 'society-station').count, 'pipeline: returns').toBe(returns);
}

// --- commands --------------------------------------------------------------------------------------

/** Mostly an application still open (so that most steps act), sometimes any (so that refusals are checked too). */
function pick(model: Model, n: number): ModelApp {
  const live = model.apps.filter(open);
  const pool = live.length && n % 4 !== 0 ? live : model.apps;
  return pool[Math.floor(n / 4) % pool.length];
}

class Submit implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    const out = await real.api.call('POST', '/v1/applications', { token: real.t.applicant, body: submission('society-station', TOWNSHIP) });
    expect(out.status, out.text).toBe(201);
    model.apps.push({ id: out.body.id, status: 'PENDING', level: 'township', returns: 0, seen: [] });
    count(model, 'submit');
    await checkInvariants(model, real);
  }
  toString = () => 'submit';
}

class Decide implements fc.AsyncCommand<Model, Real> {
  /** `awaited`: the official of the level the application awaits; otherwise that level's, awaited or not. */
  constructor(
    readonly n: number,
    readonly by: Level | 'awaited',
    readonly action: 'approve' | 'reject' | 'return',
  ) {}
  check = (model: Readonly<Model>) => model.apps.length > 0;
  async run(model: Model, real: Real) {
    const app = pick(model, this.n);
    const body =
      this.action === 'approve'
        ? { action: 'approve' }
        : this.action === 'reject'
          ? { action: 'reject', comment: '不符合设立条件' }
          : { action: 'return', comment: '请补充材料', issues: [{ path: 'form.address', message: '请写明门牌号' }] };
    const level = this.by === 'awaited' ? app.level : this.by;
    const out = await real.api.call('POST', `/v1/applications/${app.id}/decision`, { token: real.t[level], body });
    const allowed = app.status === 'PENDING' && app.level === level && (this.action !== 'return' || app.returns < MAX_RETURNS);
    expect(out.status, `${this} on ${app.status}@${app.level}: ${out.text}`).toBe(allowed ? 200 : 409);
    if (allowed) {
      count(model, `${this.action}@${app.level}`);
      const next = levels[levels.indexOf(app.level) + 1];
      if (this.action === 'approve') {
        if (next) app.level = next;
        else app.status = 'APPROVED';
      } else if (this.action === 'reject') {
        app.status = 'REJECTED';
      } else {
        app.status = 'RETURNED';
        app.returns += 1;
      }
    }
    await checkInvariants(model, real);
  }
  toString = () => `decide(#${this.n}, ${this.by}, ${this.action})`;
}

class Resubmit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (model: Readonly<Model>) => model.apps.length > 0;
  async run(model: Model, real: Real) {
    const app = pick(model, this.n);
    const current = await real.api.call('GET', `/v1/applications/${app.id}`, { token: real.t.applicant });
    const form = { ...current.body.form, address: `广东省清远市连州市大路边镇大路边街${current.body.history.length}号` };
    const out = await real.api.call('PUT', `/v1/applications/${app.id}`, { token: real.t.applicant, body: { form } });
    const allowed = app.status === 'RETURNED';
    expect(out.status, `${this} on ${app.status}: ${out.text}`).toBe(allowed ? 200 : 409);
    if (allowed) {
      app.status = 'PENDING';
      count(model, 'resubmit');
    }
    await checkInvariants(model, real);
  }
  toString = () => `resubmit(#${this.n})`;
}

class Withdraw implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = (model: Readonly<Model>) => model.apps.length > 0;
  async run(model: Model, real: Real) {
    const app = pick(model, this.n);
    const out = await real.api.call('POST', `/v1/applications/${app.id}/withdraw`, { token: real.t.applicant });
    const allowed = open(app);
    expect(out.status, `${this} on ${app.status}: ${out.text}`).toBe(allowed ? 200 : 409);
    if (allowed) {
      app.status = 'WITHDRAWN';
      count(model, 'withdraw');
    }
    await checkInvariants(model, real);
  }
  toString = () => `withdraw(#${this.n})`;
}

class Restart implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    await real.api.stack.stop();
    real.api = await h.start({ suffix: real.suffix });
    count(model, 'restart');
    await checkInvariants(model, real);
  }
  toString = () => 'restart';
}

const decision = fc.constantFrom<'approve' | 'reject' | 'return'>('approve', 'approve', 'approve', 'approve', 'approve', 'return', 'return', 'reject');
const commands = [
  fc.constant(new Submit()),
  fc.tuple(fc.nat(), decision).map(([n, action]) => new Decide(n, 'awaited', action)),
  fc.tuple(fc.nat(), decision).map(([n, action]) => new Decide(n, 'awaited', action)),
  fc.tuple(fc.nat(), decision).map(([n, action]) => new Decide(n, 'awaited', action)),
  fc.tuple(fc.nat(), fc.constantFrom(...levels), decision).map(([n, level, action]) => new Decide(n, level, action)),
  fc.nat().map((n) => new Resubmit(n)),
  fc.nat().map((n) => new Resubmit(n)),
  fc.nat().map((n) => new Withdraw(n)),
  fc.constant(new Restart()),
];

let runs = 0;

describe('random sequences of submit, decide, return, resubmit, withdraw and restart', () => {
  it('keep every invariant after every step', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 24, size: 'max' }), async (sequence) => {
        const suffix = `-model-${process.pid}-${++runs}`;
        const api = await h.start({ suffix });
        const t = await chainTokens(api);
        const real: Real = { api, suffix, t };
        const model: Model = { apps: [], done: {} };
        // Three applications to start with, so that most steps act on something
        for (let i = 0; i < 3; i++) await new Submit().run(model, real);
        try {
          await fc.asyncModelRun(() => ({ model, real }), sequence);
          if (process.env.DEBUG_RESILIENCE) console.log(String(sequence).replace(/ \/\*.*/, ''), '\n  →', JSON.stringify(model.done));
        } finally {
          await real.api.stack.stop();
        }
      }),
      // A run drives a real stack: few runs, and no shrinking (each step costs real requests); the seed replays one.
      { numRuns: Number(process.env.MODEL_RUNS ?? 8), endOnFailure: true, ...(process.env.MODEL_SEED ? { seed: Number(process.env.MODEL_SEED) } : {}) },
    );
  });
});
