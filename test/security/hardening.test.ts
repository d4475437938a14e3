// Hardening of the API surface: strict bodies, bounded pages, security headers, error bodies that say
// nothing of the server's insides, CORS only for the web origin, and cursors that cannot widen a list.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#functions/http/app.js';
import type { Services } from '#functions/services/context.js';
import { silentLogger } from '#functions/log.js';
import { stackForFile } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { reach } from '../support/applications.js';

const OTHER_ORG = '51441882MJ1234567W';
const TOWNSHIP = '441882102';

const file = stackForFile();
let other: string;
beforeAll(async () => {
  other = await file.api.token({ role: 'applicant', org: OTHER_ORG, name: '另一单位' });
});

async function submitted(): Promise<string> {
  const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

const pathsOf = (out: { body: { issues?: { path: string }[] } }) => (out.body.issues ?? []).map((issue) => issue.path);

describe('every body refuses fields it does not know', () => {
  it('submission: at the top, in the form, and deep inside it', async () => {
    const body = submission('society-station', TOWNSHIP, ORG, (form) => {
      form.status = 'APPROVED';
      form.contact.wechat = 'zhangwei';
      form.experts[0].idNumber = '44010419900101123X';
    });
    const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: { ...body, certificateNo: 'GDKX-2026-000001' } });
    expect(out.status).toBe(400);
    expect(pathsOf(out)).toEqual(expect.arrayContaining(['certificateNo', 'form.status', 'form.contact.wechat', 'form.experts.0.idNumber']));
  });

  it('decision', async () => {
    const id = await submitted();
    const out = await file.api.call('POST', `/v1/applications/${id}/decision`, { token: file.tokens.township, body: { action: 'approve', level: 'province' } });
    expect(out.status).toBe(400);
    expect(out.body.error).toBe('validation');
  });

  it('resubmission: at the top and in the form', async () => {
    const id = await submitted();
    await reach(file.api, file.tokens.admin, id, (a) => a.status === 'PENDING' && a.task?.level === 'township', 'awaiting township');
    const returned = await file.api.call('POST', `/v1/applications/${id}/decision`, {
      token: file.tokens.township,
      body: { action: 'return', comment: '请补充', issues: [{ message: '请补充照片' }] },
    });
    expect(returned.status, returned.text).toBe(200);
    await reach(file.api, file.tokens.applicant, id, (a) => a.status === 'RETURNED' && !!a.task, 'returned');
    const form = submission('society-station', TOWNSHIP).form as Record<string, unknown>;
    const out = await file.api.call('PUT', `/v1/applications/${id}`, { token: file.tokens.applicant, body: { form: { ...form, approved: true }, status: 'PENDING' } });
    expect(out.status).toBe(400);
    expect(pathsOf(out)).toEqual(expect.arrayContaining(['status', 'form.approved']));
  });
});

describe('page sizes are bounded', () => {
  for (const path of ['/v1/applications', '/v1/tasks', '/v1/registry']) {
    it(`${path}: limit 1 to 100`, async () => {
      const token = path === '/v1/applications' ? file.tokens.applicant : path === '/v1/tasks' ? file.tokens.township : file.tokens.admin;
      for (const limit of ['0', '101', '-1', '1.5', 'abc', '1000000']) {
        const out = await file.api.call('GET', `${path}?limit=${limit}`, { token });
        expect(out.status, `${path}?limit=${limit}`).toBe(400);
        expect(pathsOf(out)).toEqual(['limit']);
      }
      expect((await file.api.call('GET', `${path}?limit=100`, { token })).status).toBe(200);
    });
  }
});

describe('cursors', () => {
  it('cannot widen a list into another organisation’s applications', async () => {
    await submitted();
    const mine = await file.api.call('GET', '/v1/applications?limit=1', { token: file.tokens.applicant });
    expect(mine.body.cursor).toEqual(expect.any(String));
    // The other organisation replays a cursor from inside ORG's list.
    const out = await file.api.call('GET', `/v1/applications?limit=100&cursor=${encodeURIComponent(mine.body.cursor)}`, { token: other });
    expect(out.status, out.text).toBe(400);
    expect(pathsOf(out)).toEqual(['cursor']);
    // Nor a region's: the township official replays the admin's cursor of the whole province.
    const all = await file.api.call('GET', '/v1/applications?limit=1', { token: file.tokens.admin });
    const replayed = await file.api.call('GET', `/v1/applications?limit=100&cursor=${encodeURIComponent(all.body.cursor)}`, { token: file.tokens.township });
    if (replayed.status === 200) for (const item of replayed.body.items) expect(item.regionCode.startsWith(TOWNSHIP)).toBe(true);
    else expect(replayed.status).toBe(400);
  });

  it('a cursor that is not one answers 400', async () => {
    const out = await file.api.call('GET', '/v1/applications?cursor=%7B%7D%7D', { token: file.tokens.applicant });
    expect(out.status).toBe(400);
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Headers, what: string) => {
    expect(headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(headers.get('x-frame-options'), what).toBe('DENY');
    expect(headers.get('content-security-policy'), what).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(headers.get('referrer-policy'), what).toBe('no-referrer');
    expect(headers.get('strict-transport-security'), what).toMatch(/max-age=\d{7,}/);
    expect(headers.get('x-powered-by'), what).toBeNull();
    expect(headers.get('x-request-id'), what).toMatch(/^[\w.:-]+$/);
  };

  it('are on public, signed-in, refused and unknown answers alike', async () => {
    const id = await submitted();
    const answers = {
      public: await file.api.call('GET', '/v1/forms'),
      signedIn: await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant }),
      refused: await file.api.call('GET', '/v1/applications'),
      hidden: await file.api.call('GET', `/v1/applications/${id}`, { token: other }),
      unknownRoute: await file.api.call('GET', '/v1/nothing-here'),
      docs: await file.api.call('GET', '/docs'),
    };
    for (const [what, out] of Object.entries(answers)) expectHardened(out.headers, what);
    expect(answers.signedIn.headers.get('cache-control')).toBe('no-store');
  });

  it('echo a plain x-request-id and replace anything else', async () => {
    expect((await file.api.call('GET', '/v1/forms', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    const odd = await file.api.call('GET', '/v1/forms', { headers: { 'x-request-id': 'a"b{}<script>' } });
    expect(odd.headers.get('x-request-id')).not.toContain('<');
  });
});

describe('error bodies', () => {
  it('say nothing of the server’s insides on a 500', async () => {
    const store = file.api.stack.services.applications;
    const original = store.getWithHistory;
    store.getWithHistory = async () => {
      const error = new Error('ResourceNotFoundException: Requested resource not found: Table: applications-t1 not found');
      error.name = 'ResourceNotFoundException';
      throw error;
    };
    try {
      const out = await file.api.call('GET', '/v1/applications/01KB2Z7Q9X8F3M4N5P6R7S8T9V', { token: file.tokens.applicant });
      expect(out.status).toBe(500);
      expect(Object.keys(out.body).sort()).toEqual(['error', 'message']);
      expect(out.text).not.toMatch(/ResourceNotFound|Table|applications-t|at \w|\.ts:|node_modules/);
    } finally {
      store.getWithHistory = original;
    }
  });

  it('have the file.api.md shape for a body that is not JSON, one too large, an unknown route', async () => {
    const notJson = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: '{"type":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: 'validation', message: expect.any(String) });
    // Under /v1 an unknown route asks for a token first, so routes cannot be probed anonymously.
    expect((await file.api.call('GET', '/v1/nothing-here')).status).toBe(401);
    const unknown = await file.api.call('GET', '/v1/nothing-here', { token: file.tokens.applicant });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: expect.any(String) });
    const tooLarge = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: 'x'.repeat(300 * 1024), headers: { connection: 'close' } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ error: 'too_large', message: expect.any(String) });
  });

  it('say in Chinese that a body must be an object, whatever JSON came instead (an array, null, a number)', async () => {
    for (const [path, who] of [
      ['/v1/uploads', file.tokens.applicant],
      ['/v1/tasks/approvals', file.tokens.province],
      ['/v1/applications', file.tokens.applicant],
    ] as const) {
      for (const body of [[], null, 7]) {
        const out = await file.api.call('POST', path, { token: who, body });
        expect(out.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        for (const issue of out.body.issues ?? [{ message: out.body.message }]) expect(issue.message, `${path} ${JSON.stringify(body)}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});

describe('CORS', () => {
  it('sends no CORS headers when no web origin is configured, so other sites cannot read answers', async () => {
    const simple = await file.api.call('GET', '/v1/forms', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await file.api.call('OPTIONS', '/v1/applications', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the configured web origin', async () => {
    // Prepare: the app alone, no store needed for the catalogue.
    const app = createApp({
      services: { log: silentLogger } as unknown as Services,
      verify: async () => {
        throw new Error('not called');
      },
      health: async () => undefined,
      webOrigin: 'https://kexie.example.cn/',
    });
    // Act
    const preflight = await app.request('/v1/applications', {
      method: 'OPTIONS',
      headers: { origin: 'https://kexie.example.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    const foreign = await app.request('/v1/forms', { headers: { origin: 'https://evil.example' } });
    // Assess
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://kexie.example.cn');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(foreign.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).not.toBe('*');
  });
});
