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
  /** Each minute: timed notices and deliveries (infra/notifications.ts). */
  sweeper: 'functions/sweeper.ts',
  /** On each object created under the uploads bucket's files/ (infra/uploads.ts addCheck). */
  checkUpload: 'functions/check-upload.ts',
  /** GET /v1/applications/{id}/documents/{kind}: the printable documents as PDF (infra/documents.ts). */
  documents: 'functions/documents.ts',
} as const;

export type LambdaEntry = (typeof lambdaEntries)[keyof typeof lambdaEntries];

/**
 * Data the functions read from disk beside index.mjs, on first use, rather than carry in their code: the region data
 * (functions/regions/index.ts, 700 KB), the OpenAPI document (functions/http/openapi.ts, built by functions/http/openapi-build.ts)
 * and the documents' font (functions/pdf/font.ts: Noto Sans SC Regular, OFL-1.1, 10.5 MB, which pdfkit embeds as a subset).
 * Each goes into the bundles whose code names it (tree shaking decides which).
 */
export const dataFiles = [
  'functions/regions/guangdong.json',
  'functions/http/openapi-document.json',
  'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
] as const;

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
      // The data files (dataFiles above) beside index.mjs, for the bundles whose code names them.
      afterBundling: (inputDir: string, outputDir: string) => {
        const bundle = path.join(outputDir, 'index.mjs');
        return dataFiles.map((file) => {
          const name = path.basename(file);
          return `if grep -q ${name} "${bundle}"; then cp "${path.join(inputDir, file)}" "${path.join(outputDir, name)}"; fi`;
        });
      },
    },
  };
}
