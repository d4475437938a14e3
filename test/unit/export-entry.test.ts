// The streamed export's bundle loads outside Lambda (a test, an import-time benchmark): streamHandle needs the
// runtime's awslambda.streamifyResponse, which nothing else defines, so only calling the handler says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { esbuildOptions, lambdaEntries, projectRoot } from '#infra/bundling.js';

it('the export bundle imports without the Lambda runtime, and its handler then refuses with a reason', async () => {
  // Prepare: the bundle as deployed
  const dir = mkdtempSync(path.join(tmpdir(), 'export-bundle-'));
  try {
    const outfile = path.join(dir, 'index.mjs');
    await build({ ...esbuildOptions, entryPoints: [path.join(projectRoot, lambdaEntries.registryExport)], outfile, absWorkingDir: projectRoot, logLevel: 'silent' });
    const script = `const m = await import(${JSON.stringify(outfile)}); console.log(typeof m.handler); try { m.handler() } catch (e) { console.log(e.message) }`;

    // Act
    const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, TABLE_NAME: 'registry', JWT_ISSUER: 'https://issuer.example', JWT_AUDIENCE: 'client' },
      encoding: 'utf8',
    });

    // Assess
    expect(out.split('\n')[0]).toBe('function');
    expect(out).toMatch(/only the Lambda Node\.js runtime defines/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
