// Each Lambda bundle, built with the options the project function construct deploys (infra/bundling.ts):
// its size minified and gzip, and the time a fresh `node` takes to import it (median of 20), beside a bare
// Hono handler bundled the same way (the floor) and `node -e 0` (the baseline).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { log, percentile, round } from './lib.js';

const RUNS = 20;
const KiB = 1024;

/** infra/bundling.ts's options; the issue's list if that file cannot be loaded (aws-cdk-lib mid-change). */
async function bundling(): Promise<{ options: BuildOptions; entries: Record<string, string>; dataFiles: readonly string[]; root: string; source: string }> {
  const root = path.resolve(import.meta.dirname, '..');
  try {
    const b = await import('#infra/bundling.js');
    return { options: b.esbuildOptions as BuildOptions, entries: { ...b.lambdaEntries }, dataFiles: b.dataFiles, root: b.projectRoot, source: 'infra/bundling.ts' };
  } catch (error) {
    log(`infra/bundling.ts not loadable (${(error as Error).message}); using the issue's options`);
    return {
      options: { bundle: true, minify: true, format: 'esm', platform: 'node', target: 'node22', mainFields: ['module', 'main'], external: [], charset: 'utf8' },
      entries: { api: 'functions/api.ts', recordOutcome: 'functions/record-outcome.ts', reconciler: 'functions/reconciler.ts' },
      dataFiles: ['functions/regions/guangdong.json', 'functions/http/openapi-document.json'],
      root,
      source: 'the options listed in issue 8 (bundle, minify, esm, node, node22, mainFields module/main, SDK bundled)',
    };
  }
}

/** What the functions read at import (functions/config.ts), as Lambda's environment gives it. */
const lambdaEnv = {
  TABLE_NAME: 'applications',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:approval',
  AWS_REGION: 'us-east-1',
  AUTH_MODE: 'cognito',
  JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench',
  // Given here, so the export reads no SSM parameter at import (functions/export.ts; in AWS it does, once).
  JWT_AUDIENCE: 'bench',
  // The API holds materials (functions/services/build-api.ts): infra/uploads.ts grantUploads sets it in AWS.
  UPLOADS_BUCKET: 'bench-uploads',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_NO_WARNINGS: '1',
};

function timeOnce(args: string[]): number {
  const started = performance.now();
  const out = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, ...lambdaEnv }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const ms = performance.now() - started;
  if (out.status !== 0) throw new Error(`node ${args.join(' ')} failed (${out.status ?? out.signal}): ${out.stderr.toString().slice(0, 500)}`);
  return ms;
}

export interface BundleResult {
  name: string;
  entry: string;
  usesSdk: boolean;
  minifiedBytes: number;
  gzipBytes: number;
  importMs: number;
  /** Import time over `node -e 0`'s, both medians. */
  ratio: number;
  /** A floor to compare with (bench/floor*.ts), not a function of the project. */
  floor?: boolean;
  /** Bytes of the output from the modules that exist for materials (issue 14; `materialModules`), where there are any. */
  materialsBytes?: number;
}

/**
 * The modules that exist for materials (issue 14): their share of a bundle is what materials add to it at least (the
 * modules they share with the rest, the schemas, the application's service and store, grew a little too).
 */
export const materialModules = [
  'forms/materials.ts',
  'forms/file-kinds.ts',
  'forms/material-references.ts',
  'functions/domain/materials.ts',
  'functions/domain/file-check.ts',
  'functions/services/upload-check.ts',
  'functions/store/upload-checks.ts',
  'functions/check-upload.ts',
  'functions/s3.ts',
  'functions/sha256.ts',
  'functions/uploads.ts',
  'functions/upload-keys.ts',
  'functions/store/uploads.ts',
  'functions/services/uploads.ts',
  'functions/services/materials.ts',
  'functions/services/build-api.ts',
  'functions/http/routes/uploads.ts',
  'functions/http/routes/materials.ts',
];

/** Handlers bundled the same way as the functions, to compare them with. */
const floors: [string, string][] = [
  ['floor (bare Hono)', 'bench/floor.ts'],
  ['floor (Hono + zod/mini + DynamoDB + SFN)', 'bench/floor-sdk.ts'],
];

export async function benchBundles() {
  const { options, entries, dataFiles, root, source } = await bundling();
  const out = mkdtempSync(path.join(tmpdir(), 'gd-kexie-bundles-'));
  try {
    const targets = [...Object.entries(entries), ...floors] as [string, string][];
    const built: { name: string; entry: string; file: string; minified: number; gzip: number; usesSdk: boolean; materialsBytes: number }[] = [];
    for (const [name, entry] of targets) {
      const dir = path.join(out, name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'index.mjs');
      const result = await build({ ...options, entryPoints: [path.join(root, entry)], outfile: file, absWorkingDir: root, metafile: true, logLevel: 'silent' });
      const code = readFileSync(file);
      // As the deployment does: the data files beside the bundle when its code reads them.
      for (const data of dataFiles) if (code.includes(path.basename(data))) copyFileSync(path.join(root, data), path.join(dir, path.basename(data)));
      const parts = Object.values(result.metafile!.outputs)[0].inputs;
      const inputs = Object.keys(parts);
      const materialsBytes = inputs.filter((i) => materialModules.includes(i)).reduce((sum, i) => sum + parts[i].bytesInOutput, 0);
      built.push({ name, entry, file, minified: code.length, gzip: zlib.gzipSync(code).length, usesSdk: inputs.some((i) => i.includes('@aws-sdk/')), materialsBytes });
    }
    log(`bundles built (${source}); timing imports, ${RUNS} runs each, interleaved with node -e 0`);
    const times = new Map<string, number[]>([['baseline', []], ...built.map((b) => [b.name, []] as [string, number[]])]);
    // Warm the page cache first; then interleave so that the machine's noise weighs on every target alike.
    for (const b of built) timeOnce([b.file]);
    timeOnce(['-e', '0']);
    for (let run = 0; run < RUNS; run++) {
      times.get('baseline')!.push(timeOnce(['-e', '0']));
      for (const b of built) times.get(b.name)!.push(timeOnce([b.file]));
    }
    const median = (ms: number[]) => percentile([...ms].sort((a, b) => a - b), 50);
    const baselineMs = median(times.get('baseline')!);
    const results: BundleResult[] = built.map((b) => {
      const importMs = median(times.get(b.name)!);
      const floor = floors.some(([, entry]) => entry === b.entry) ? { floor: true } : {};
      const materials = b.materialsBytes ? { materialsBytes: b.materialsBytes } : {};
      return { name: b.name, entry: b.entry, usesSdk: b.usesSdk, minifiedBytes: b.minified, gzipBytes: b.gzip, importMs: round(importMs, 1), ratio: round(importMs / baselineMs), ...floor, ...materials };
    });
    for (const r of results) log(`  ${r.name.padEnd(42)} ${(r.minifiedBytes / KiB).toFixed(1)} KiB min, ${(r.gzipBytes / KiB).toFixed(1)} KiB gzip, import ${r.importMs} ms (×${r.ratio})`);
    log(`  ${'node -e 0'.padEnd(42)} ${round(baselineMs, 1)} ms`);
    return { options: source, runs: RUNS, baselineMs: round(baselineMs, 1), bundles: results };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
