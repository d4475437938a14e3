// Every setting the README lists for `npm start` reaches the stack (TERMS and REPORT_DEADLINE once did not: the
// README's short-term demonstrations ran with the catalogue's three years).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownSettings, settingsOf, startSettings } from '#infra/local/settings.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("npm start's settings", () => {
  it('are every variable of the README’s settings table', () => {
    const table = readme.slice(readme.indexOf('Settings (environment variables of `npm start`)'));
    const rows = table.slice(0, table.indexOf('\n\n', table.indexOf('| --- |'))).split('\n').filter((line) => line.startsWith('| `'));
    const listed = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
    expect(listed.length).toBeGreaterThan(15);
    expect([...listed].sort()).toEqual([...startSettings, ...ownSettings].sort());
  });

  it('hands those set to the stack, as set, and nothing else', () => {
    expect(settingsOf({ TERMS: 'commissioner-station=600s', REPORT_DEADLINE: '120s', PATH: '/usr/bin', TIME_LIMITS: '' })).toEqual({ TERMS: 'commissioner-station=600s', REPORT_DEADLINE: '120s' });
  });
});
