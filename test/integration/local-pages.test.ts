// The pages as npm start serves them: built from web/ when stale, a robots.txt of their own (not the app's HTML),
// compressed, the content-hashed assets cached for a year and the rest checked again on every load, as CloudFront
// serves them in AWS (infra/web.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stackForFile } from '../support/local.js';

const root = new URL('../..', import.meta.url).pathname;
execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });

const file = stackForFile({ suffix: '-pages' });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${file.api.stack.url}${path}`, { headers });

describe('the pages served by the local stack', () => {
  it('answers /robots.txt with its rules, keeping crawlers out of the API and the pages behind sign-in', async () => {
    const response = await get('/robots.txt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).not.toMatch(/<html/i);
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toMatch(/^Disallow: \/v1\/$/m);
    expect(text).toMatch(/^Disallow: \/inbox$/m);
    expect(text).not.toMatch(/^Disallow: \/(registry|certificates)/m);
  });

  it('caches the content-hashed assets for a year and compresses them', async () => {
    const script = readdirSync(`${root}web/dist/assets`).find((name) => name.endsWith('.js'));
    expect(script).toBeDefined();
    const response = await get(`/assets/${script}`, { 'Accept-Encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('has index.html, and a client-side route answering it, checked again on every load', async () => {
    for (const path of ['/', '/inbox', '/certificates/GDKX-2026-000001']) {
      const response = await get(path, { 'Accept-Encoding': 'gzip' });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
      expect(await response.text(), path).toMatch(/<div id="app"|<!doctype html/i);
    }
  });

  it('leaves the API’s answers to the API: not cached as pages, not re-labelled', async () => {
    const response = await get('/v1/forms');
    expect(response.status).toBe(200);
    const cacheControl = response.headers.get('cache-control') ?? '';
    expect(cacheControl).not.toBe('no-cache');
    expect(cacheControl).not.toMatch(/immutable/);
  });
});
