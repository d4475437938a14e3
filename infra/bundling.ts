// How every Lambda bundle is built: the one set of esbuild options that the project function
// construct deploys with and that the bundle-size gate (test/infra/bundle-size.test.ts) measures.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: NodejsFunction runs esbuild here, and entries are relative to it. */
export const projectRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * The newest Node.js runtime of this aws-cdk-lib (cdk-nag L1 asks for it); nodejs22.x is
 * deprecated in April 2027. The bundle targets the same version.
 */
export const lambdaRuntime = Runtime.NODEJS_24_X;

/** The Lambda entry points, relative to the project root. */
export const lambdaEntries = {
  api: 'functions/api.ts',
  /** GET /v1/registry/export, streamed through a Function URL (infra/export.ts). */
  registryExport: 'functions/export.ts',
  recordOutcome: 'functions/record-outcome.ts',
  reconciler: 'functions/reconciler.ts',
} as const;

export type LambdaEntry = (typeof lambdaEntries)[keyof typeof lambdaEntries];

/** Lambda reads the region data from this file next to index.mjs (functions/regions/index.ts). */
export const regionDataFile = 'functions/regions/guangdong.json';

export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: false,
  // The AWS SDK v3 packages ship ES modules under `module`: preferring them lets esbuild drop what
  // is unused (the API bundle: 783 KiB with esbuild's default order for node, 555 KiB with this).
  mainFields: ['module', 'main'],
  // The SDK is bundled at the version package-lock.json pins, not taken from the runtime, so what
  // runs in Lambda is what the tests ran.
  external: [],
  // Credentials come from the environment in Lambda: only that provider is bundled.
  alias: { '@aws-sdk/credential-provider-node': path.join(projectRoot, 'infra/lambda-credentials.ts') },
  // Chinese messages stay UTF-8 (3 bytes a character) instead of \uXXXX escapes (6).
  charset: 'utf8',
  // No createRequire banner: no bundled dependency calls require() (the bundle-size test checks for
  // esbuild's dynamic-require shim and says when one is needed).
} satisfies BuildOptions;

/** The same options in NodejsFunction's terms. */
export function lambdaBundling(): BundlingOptions {
  return {
    format: esbuildOptions.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
    target: esbuildOptions.target,
    minify: esbuildOptions.minify,
    sourceMap: esbuildOptions.sourcemap,
    mainFields: [...esbuildOptions.mainFields],
    externalModules: [...esbuildOptions.external],
    // NodejsFunction's own `charset` prop is not passed to esbuild by this aws-cdk-lib; say it directly.
    esbuildArgs: {
      '--charset': esbuildOptions.charset,
      ...Object.fromEntries(Object.entries(esbuildOptions.alias).map(([from, to]) => [`--alias:${from}`, to])),
    },
    forceDockerBundling: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // functions/regions reads its data from disk beside index.mjs rather than carrying 700 KB in the
      // code; the file goes into every bundle whose code names it (tree shaking decides which).
      afterBundling: (inputDir: string, outputDir: string) => {
        const bundle = path.join(outputDir, 'index.mjs');
        const target = path.join(outputDir, 'guangdong.json');
        return [`if grep -q guangdong.json "${bundle}"; then cp "${path.join(inputDir, regionDataFile)}" "${target}"; fi`];
      },
    },
  };
}
