// Bad input that used to reach a 500 or be stored: deep nesting, forged cursors of the wrong types, bodies that are
// not JSON, and text holding characters no typed text should. Each gets a 4xx that names the field, and nothing is kept.
import { describe, expect, it } from 'vitest';
import { stackForFile, taskInInbox } from '../support/local.js';
import { submission } from '../support/submissions.js';

const file = stackForFile();
const TOWNSHIP = '441882102';

const deepJson = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function countOwn() {
  const out = await file.api.call('GET', '/v1/applications?limit=100', { token: file.tokens.applicant });
  return out.body.items.length as number;
}

/** Posts raw bytes with a content type, as a client that does not speak JSON would. */
async function post(path: string, body: BodyInit, headers: Record<string, string>, token = file.tokens.applicant) {
  const response = await fetch(`${file.api.stack.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) };
}

describe('nesting', () => {
  it('refuses 3,500 levels in 7 KB with 400 before anything walks it, on the API and on the dev token route', async () => {
    // Act
    const submitted = await post('/v1/applications', deepJson(3_500), { 'content-type': 'application/json' });
    const token = await file.api.call('POST', '/v1/dev/token', { body: `{"role":"admin","name":${deepJson(3_500)}}` });
    const decision = await post('/v1/applications/01ABC/decision', `{"action":"approve","issues":${deepJson(100)}}`, { 'content-type': 'application/json' }, file.tokens.township);

    // Assess
    for (const out of [submitted, token, decision]) {
      expect(out.status).toBe(400);
      expect(out.body).toMatchObject({ error: 'validation' });
      expect(out.body.message).toContain('嵌套层级过深');
    }
  });

  it('takes brackets inside strings as text', async () => {
    const out = await file.api.call('POST', '/v1/applications', {
      token: file.tokens.applicant,
      body: submission('society-station', TOWNSHIP, undefined, (form) => (form.summary = `${'['.repeat(40)}组织学会专家定期到连州开展果蔬栽培技术指导`)),
    });
    expect(out.status, out.text).toBe(201);
  });
});

describe('cursors', () => {
  const forged = [{ pk: 1, sk: 2 }, { pk: { S: 'APP#x' }, sk: 'APP' }, [1, 2], { pk: 'x', sk: 12345678901234567890 }, { pk: null }, 'a string', {}];

  it.each([
    ['/v1/applications', 'applicant'],
    ['/v1/applications', 'admin'],
    ['/v1/applications?status=PENDING', 'county'],
    ['/v1/tasks', 'township'],
    ['/v1/registry', 'admin'],
  ] as const)('answers 400 on %s (%s) for every cursor of the wrong shape', async (path, who) => {
    for (const key of forged) {
      const out = await file.api.call('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${cursorOf(key)}`, { token: file.tokens[who] });
      expect(out.status, `${JSON.stringify(key)}: ${out.text}`).toBe(400);
      expect(out.body.issues).toEqual([{ path: 'cursor', message: expect.stringContaining('分页游标') }]);
    }
  });
});

describe('content types', () => {
  it.each([
    ['text/plain', 'text/plain;charset=utf-8'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['JSON in another charset', 'application/json; charset=gbk'],
    ['no content type', ''],
  ])('refuses JSON sent as %s with 415 and stores nothing', async (_what, type) => {
    // Prepare
    const before = await countOwn();
    const body = new Blob([JSON.stringify(submission('society-station', TOWNSHIP))], type ? { type } : {});

    // Act
    const out = await post('/v1/applications', body, type ? { 'content-type': type } : {});

    // Assess
    expect(out.status).toBe(415);
    expect(out.body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('JSON') });
    expect(await countOwn()).toBe(before);
  });

  it('refuses multipart with 415', async () => {
    const form = new FormData();
    form.set('body', JSON.stringify(submission('society-station', TOWNSHIP)));
    const out = await post('/v1/applications', form, {});
    expect(out.status).toBe(415);
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
    // Prepare: a valid submission whose name has one byte of GBK in it
    const json = Buffer.from(JSON.stringify(submission('society-station', TOWNSHIP, undefined, (form) => (form.name = '连州市XX科技服务站'))));
    const at = json.indexOf('XX');
    json[at] = 0xc1;
    json[at + 1] = 0xac;
    const before = await countOwn();

    // Act
    const out = await post('/v1/applications', json, { 'content-type': 'application/json' });

    // Assess
    expect(out.status).toBe(400);
    expect(out.body.message).toContain('UTF-8');
    expect(await countOwn()).toBe(before);
  });
});

describe('typed text', () => {
  const bad: [string, string, (form: any) => void][] = [
    ['a NUL', 'form.address', (form) => (form.address = `广东省清远市连州市\u0000连州镇中山南路88号`)],
    ['a right-to-left override', 'form.name', (form) => (form.name = `广东省园艺学会\u202E站务服科`)],
    ['zero-width characters only', 'form.contact.name', (form) => (form.contact.name = '\u200B\u200B\u200B')],
    ['a lone surrogate', 'form.organisation.name', (form) => (form.organisation.name = `广东省园艺学会\uD800`)],
    ['a control character in a multi-line text', 'form.summary', (form) => (form.summary = `组织学会专家定期到连州开展果蔬栽培技术指导\u0007`)],
    ['a private-use character', 'form.experts.0.name', (form) => (form.experts[0].name = `李\uE000国`)],
  ];

  it.each(bad)('refuses %s with 400 naming the field, and stores nothing', async (_what, path, change) => {
    // Prepare
    const before = await countOwn();

    // Act
    const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', TOWNSHIP, undefined, change) });

    // Assess
    expect(out.status, out.text).toBe(400);
    expect(out.body.issues).toContainEqual({ path, message: expect.stringContaining('不允许的字符') });
    expect(await countOwn()).toBe(before);
  });

  it('lists every such field at once, with the form’s other problems', async () => {
    const out = await file.api.call('POST', '/v1/applications', {
      token: file.tokens.applicant,
      body: submission('society-station', TOWNSHIP, undefined, (form) => {
        form.name = `站点\u202E`;
        form.address = `地址\u0000地址地址`;
        form.contact.mobile = '12345';
      }),
    });
    expect(out.status).toBe(400);
    expect(out.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['form.address', 'form.contact.mobile', 'form.name']);
  });

  it('takes CJK extension characters that real names use, line breaks in long texts, and stores names in NFC', async () => {
    // Act
    const out = await file.api.call('POST', '/v1/applications', {
      token: file.tokens.applicant,
      body: submission('society-station', TOWNSHIP, undefined, (form) => {
        form.experts[0].name = '𠀀𫝀龘'; // CJK Extension B and D, and a rare BMP character
        form.contact.name = 'Rene\u0301 Chan'; // a decomposed é
        form.summary = '组织学会专家定期到连州开展果蔬栽培技术指导。\n第二段：现场培训和新品种示范。';
      }),
    });

    // Assess
    expect(out.status, out.text).toBe(201);
    expect(out.body.form.experts[0].name).toBe('𠀀𫝀龘');
    expect(out.body.form.contact.name).toBe('Ren\u00e9 Chan');
    expect(out.body.form.summary).toContain('\n第二段');
  });

  it('refuses a decision comment or a problem holding such characters, naming it', async () => {
    // Prepare
    const submitted = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', TOWNSHIP) });
    const id = submitted.body.id;
    await taskInInbox(file.api, file.tokens.township, id);

    // Act
    const out = await file.api.call('POST', `/v1/applications/${id}/decision`, {
      token: file.tokens.township,
      body: { action: 'return', comment: `请补充\u202E`, issues: [{ path: 'form.summary', message: `写明\u200B` }, { path: 'form.<script>', message: '路径不对' }] },
    });

    // Assess
    expect(out.status).toBe(400);
    expect(out.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['comment', 'issues.0.message', 'issues.1.path']);
    const app = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });
    expect(app.body.status).toBe('PENDING');
  });

  it('refuses a dev token whose display name holds such characters', async () => {
    const out = await file.api.call('POST', '/v1/dev/token', { body: { role: 'applicant', org: '91441882MA4UA1B2C9', name: '申请\u202E单位' } });
    expect(out.status).toBe(400);
  });
});


