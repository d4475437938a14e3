// Everything the process writes while a whole flow runs — submissions full of mobiles and credit codes,
// decisions, refusals, a validation error on a bad mobile, an internal error whose message carries personal
// data (as SDK errors that echo an item do) — scanned for unmasked personal data: none. Each request has an
// access line with its correlation id.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainTokens, harness, type Client, type Harness } from '../support/local.js';
import { ORG, VILLAGE, submission } from '../support/submissions.js';
import { unmaskedIn } from '../support/security.js';
import { reach } from '../support/applications.js';

const MOBILES = ['13800138000', '13929876543', '15017654321', '18612345678', '13722223333'];
const CREDIT_CODES = [ORG, '51441882MJ1234567W'];

let h: Harness;
let api: Client;
const written: string[] = [];
const restore: (() => void)[] = [];

function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    restore.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}\n${a.stack}` : JSON.stringify(a))).join(' '));
    });
    restore.push(() => spy.mockRestore());
  }
}

beforeAll(async () => {
  h = await harness();
  capture();
  // Logging on (the other tests run their stacks quiet).
  api = await h.start({ quiet: false });
});
afterAll(async () => {
  for (const undo of restore) undo();
  await h?.close();
});

describe('a full flow, logged', () => {
  let accessLines: Record<string, any>[] = [];

  beforeAll(async () => {
    const { applicant, township, county, province, admin } = await chainTokens(api);
    const other = await api.token({ role: 'applicant', org: CREDIT_CODES[1], name: '他人' });

    // Submit a form full of personal data, in its fields and in free text.
    const body = submission('rural-tech-association', VILLAGE, ORG, (form) => {
      form.contact.mobile = MOBILES[0];
      form.legalRepresentative.mobile = MOBILES[1];
      form.summary = `围绕连州菜心开展技术交流，联系电话${MOBILES[3]}，邮箱 dengguoping@example.cn，信用代码${ORG}。`;
      form.address = `广东省清远市连州市大路边镇山塘村委会旁（电话 ${MOBILES[4]}）`;
    });
    const submitted = await api.call('POST', '/v1/applications', { token: applicant, body, headers: { 'x-request-id': 'trace-submit-1' } });
    expect(submitted.status, submitted.text).toBe(201);
    expect(submitted.headers.get('x-request-id')).toBe('trace-submit-1');
    const id = submitted.body.id;

    // A validation error on a bad mobile, a decision with personal data in its comment, refusals.
    const bad = submission('society-station', '441882102', ORG, (form) => {
      form.contact.mobile = '1380013800';
    });
    expect((await api.call('POST', '/v1/applications', { token: applicant, body: bad })).status).toBe(400);
    expect((await api.call('GET', `/v1/applications/${id}`, { token: other })).status).toBe(404);
    expect((await api.call('GET', '/v1/applications', { token: `${applicant}x` })).status).toBe(401);
    expect((await api.call('GET', `/v1/regions/${ORG}`)).status).toBe(404);

    const awaiting = (level: string) => reach(api, admin, id, (a) => a.status === 'PENDING' && a.task?.level === level, level);
    await awaiting('township');
    const comment = `已电话联系 ${MOBILES[2]} 核实，单位代码 ${ORG}`;
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: township, body: { action: 'approve', comment } })).status).toBe(200);
    await awaiting('county');
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: county, body: { action: 'approve' } })).status).toBe(200);
    await awaiting('province');
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: province, body: { action: 'approve' } })).status).toBe(200);
    const approved = await reach(api, applicant, id, (a) => a.status === 'APPROVED', 'approved');
    expect((await api.call('GET', `/v1/registry/export`, { token: admin })).status).toBe(200);
    expect((await api.call('GET', `/v1/certificates/${(approved as any).certificateNo}`)).status).toBe(200);

    // An internal error whose message and stack carry personal data, as an SDK error echoing an item would.
    const registry = api.stack.services.registry;
    const original = registry.getCertificate;
    registry.getCertificate = async () => {
      throw new Error(`ValidationException: item {mobile: ${MOBILES[0]}, creditCode: ${ORG}} is invalid`);
    };
    try {
      const failed = await api.call('GET', '/v1/certificates/GDKX-2026-000001');
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ error: 'internal', message: expect.any(String) });
      expect(failed.text).not.toMatch(/ValidationException|mobile|creditCode|at /);
    } finally {
      registry.getCertificate = original;
    }

    accessLines = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.message === 'request');
  });

  it('wrote lines, and the leak path of the internal error was taken and masked', () => {
    const all = written.join('');
    expect(all).toContain('"message":"request failed"');
    expect(all).toContain('138****8000');
    expect(all).toContain('91************B2C9');
  });

  it('holds no unmasked mobile or credit code anywhere', () => {
    const all = written.join('');
    expect(unmaskedIn(all)).toEqual([]);
    for (const value of [...MOBILES, ...CREDIT_CODES, 'dengguoping@example.cn']) expect(all, value).not.toContain(value);
  });

  it('has one access line per request with a correlation id, route, status, latency and the caller’s id and role only', () => {
    expect(accessLines.length).toBeGreaterThan(15);
    for (const line of accessLines) {
      expect(line).toMatchObject({ level: expect.stringMatching(/info|error/), correlationId: expect.any(String), method: expect.any(String), route: expect.any(String), status: expect.any(Number), latencyMs: expect.any(Number) });
      if (line.caller) {
        expect(Object.keys(line.caller).sort()).toEqual(expect.arrayContaining(['role', 'sub']));
        expect(line.caller).not.toHaveProperty('name');
        expect(line.caller).not.toHaveProperty('org');
      }
    }
    const submit = accessLines.find((line) => line.correlationId === 'trace-submit-1');
    expect(submit).toMatchObject({ method: 'POST', route: '/v1/applications', status: 201, caller: { role: 'applicant' } });
    expect(accessLines.find((line) => line.status === 500)).toMatchObject({ route: '/v1/certificates/:certificateNo', error: 'Error', level: 'error' });
    expect(accessLines.find((line) => line.status === 401)).toMatchObject({ route: '/v1/applications', error: 'unauthorized' });
    const decision = accessLines.find((line) => line.route === '/v1/applications/:id/decision');
    expect(decision).toMatchObject({ status: 200, caller: { role: 'official', level: 'township', region: '441882102' } });
    // Ids made here are unique per request.
    const generated = accessLines.map((line) => line.correlationId).filter((cid) => cid !== 'trace-submit-1');
    expect(new Set(generated).size).toBe(generated.length);
  });

  it('puts the request’s correlation id on the error line too', () => {
    const lines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const failed = lines.find((line) => line.message === 'request failed');
    const access = accessLines.find((line) => line.status === 500);
    expect(failed.correlationId).toBe(access!.correlationId);
    expect(failed.stack ?? failed.error).toBeDefined();
  });
});
