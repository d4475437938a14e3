// The whole system on one machine: DynamoDB Local, the same workflow definition in the local engine,
// the same Hono app, and the same SDK clients pointed at local endpoints.
import './polyfills.js';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { compress } from 'hono/compress';
import { secureHeaders } from 'hono/secure-headers';
import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { createApp } from '#functions/http/app.js';
import { documentsApp, documentsPath } from '#functions/http/documents-app.js';
import { errorResponse } from '#functions/http/errors.js';
import { makeClients } from '#functions/clients.js';
import { limitAddress } from '#functions/http/rate-limit.js';
import { parseConfig } from '#functions/config.js';
import { buildCheckServices, healthCheck } from '#functions/services/build.js';
import { objectsCreated } from '#functions/services/upload-check.js';
import { buildServices, makeBucket } from '#functions/services/build-api.js';
import { backfillCaseNumbers } from '#functions/store/case-number-backfill.js';
import { backfillDemandAging } from '#functions/store/demand-aging-backfill.js';
import { spanEnd } from '#functions/domain/deadlines.js';
import { backfillPipeline } from '#functions/store/pipeline-backfill.js';
import { buildSweepServices } from '#functions/services/build.js';
import { defaultSenders, sweep, type SweepResult } from '#functions/services/sweep.js';
import { emailSender } from '#functions/delivery/email.js';
import { logger, silentLogger } from '#functions/log.js';
import { recordOutcome } from '#functions/services/record-outcome.js';
import { reconcile } from '#functions/services/reconcile.js';
import type { Services } from '#functions/services/context.js';
import { renderDefinition } from '#workflows/approval.js';
import { devIssuer, type DevIssuer } from './dev-issuer.js';
import { lockDataDir } from './data-lock.js';
import { ensureAppTable, startDynamo, type LocalDynamo } from './dynamodb.js';
import { LocalEngine, type EngineOptions } from './engine/api.js';
import { listen } from './listen.js';
import { startS3, type LocalS3, type ObjectCreatedNotice } from './s3.js';
import { ensureIndexes } from './indexes.js';
import { startMailCatcher, type MailCatcher } from './smtp.js';
import { startSfnEndpoint, type SfnEndpoint } from './sfn-endpoint.js';

export interface LocalStackOptions {
  dataDir?: string;
  port?: number;
  host?: string;
  /** Extra configuration (TIME_LIMITS, HOLIDAYS, ...), as the deployed functions get it from their environment. */
  env?: Record<string, string>;
  /** Reconciler period; 0 turns it off (tests call it themselves). */
  reconcileEveryMs?: number;
  /** The sweeper's period (timed notices, deliveries); 0 turns it off. Default: SWEEP_EVERY_MS of `env`, else 2 s. */
  sweepEveryMs?: number;
  /**
   * An already running DynamoDB Local to use instead of starting one (tests share one). Without it the stack starts
   * its own on `dataDir` and holds the data directory's lock (data-lock.ts) while it runs: a second stack on the
   * same directory is refused. Stacks on a shared DynamoDB Local own nothing in `dataDir` and take no lock.
   */
  dynamodbEndpoint?: string;
  quiet?: boolean;
  /** Engine settings for tests (see EngineOptions). */
  engine?: Pick<EngineOptions, 'maxTimerMs' | 'retryIntervalMs'>;
  /** The local S3 server's port (default: a free one). */
  s3Port?: number;
  /**
   * Whether an upload is checked when its bytes land, as S3's ObjectCreated event makes the deployed check function
   * run (default true). Off, only the sweeper's backstop checks them: a test of that backstop.
   */
  checkOnUpload?: boolean;
}

export interface LocalStack {
  url: string;
  port: number;
  dataDir: string;
  engine: LocalEngine;
  services: Services;
  issuer: DevIssuer;
  dynamo?: LocalDynamo;
  /** The local engine's Step Functions endpoint (127.0.0.1, its own port, SigV4 with this start's key). */
  sfn: Pick<SfnEndpoint, 'url' | 'credentials'>;
  /** The local S3 server holding the materials (127.0.0.1, its own port, data under DATA_DIR/s3). */
  s3: Pick<LocalS3, 'endpoint' | 'bucket' | 'credentials'>;
  app: Hono;
  /** Where the local mail catcher writes what the stack sends (DATA_DIR/mail, one .eml per message). */
  mail: Pick<MailCatcher, 'url' | 'dir'>;
  /** Runs the sweeper once now (tests), as the interval does. */
  sweep: () => Promise<SweepResult>;
  stop: () => Promise<void>;
}

const LOCAL_REGION = 'cn-north-1';
/**
 * The web pages' policy: their own scripts, styles and API calls only (the QR code is inline SVG, the chart bars SVG
 * attributes), and the S3 server's origin (`s3`) for what goes straight to it: uploads (connect-src, the presigned
 * PUT) and previews of materials through their short-lived links (img-src for images, frame-src for PDFs).
 */
export function webContentSecurityPolicy(s3: string) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', s3],
    connectSrc: ["'self'", s3],
    frameSrc: [s3],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}
const STATE_MACHINE_ARN = `arn:aws-cn:states:${LOCAL_REGION}:000000000000:stateMachine:approval`;
const RECORD_OUTCOME_ARN = `arn:aws-cn:lambda:${LOCAL_REGION}:000000000000:function:record-outcome`;

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host}:${port}`;
  const log = options.quiet ? silentLogger : logger;

  // Refused here, before anything is started or signalled, if another stack runs on this data directory.
  const lock = options.dynamodbEndpoint ? undefined : await lockDataDir(dataDir, url);
  // What this start has started, undone last first by stop(), or as far as it got if a step fails.
  const started: (() => unknown)[] = lock ? [lock.release] : [];
  const undo = async () => {
    while (started.length) await started.pop()!();
  };
  try {
    const dynamo = options.dynamodbEndpoint ? undefined : await startDynamo(dataDir, await freePort());
    if (dynamo) started.push(dynamo.stop);
    const sfn = await startSfnEndpoint({ region: LOCAL_REGION });
    started.push(sfn.close);
    const tableSuffix = options.env?.TABLE_SUFFIX ?? '';
    // The browser sends uploads straight to it from the pages' origin (and Vite's dev server's, npm run dev:web).
    // Each object written is checked as S3's event makes the deployed check run (bound once the services exist).
    let objectCreated: ((event: ObjectCreatedNotice) => void) | undefined;
    const s3 = await startS3({
      onObjectCreated: (event) => objectCreated?.(event),
      dataDir,
      port: options.s3Port,
      bucket: `uploads${tableSuffix}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63),
      webOrigins: [...new Set([url, `http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://127.0.0.1:5173', 'http://localhost:5173'])],
    });
    started.push(s3.stop);
    // Stacks sharing a data directory (tests) each keep their own mail.
    const mail = await startMailCatcher(join(dataDir, tableSuffix ? `mail${tableSuffix}` : 'mail'));
    started.push(mail.close);
    const config = parseConfig({
      TABLE_NAME: `applications${tableSuffix}`,
      STATE_MACHINE_ARN,
      AWS_REGION: LOCAL_REGION,
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint ?? dynamo!.endpoint,
      SFN_ENDPOINT: sfn.url,
      UPLOADS_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      AUTH_MODE: 'local',
      WEB_URL: url,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: mail.url,
      MAIL_FROM: 'noreply@gd-kexie.local',
      ROBOT_LOOPBACK_HTTP: 'true',
      ...options.env,
    }, ['workflow', 'uploads']);
    const clients = makeClients(config, { sfn: sfn.credentials });
    started.push(() => {
      clients.dynamodb.destroy();
      clients.sfn.destroy();
    });
    await ensureAppTable(clients.dynamodb, config.tableName);
    await ensureIndexes(clients.dynamodb, config.tableName);
    const bucket = makeBucket(config, { s3: s3.credentials });
    const services = buildServices(config, clients, bucket, { log });
    if (options.checkOnUpload ?? true) {
      const checkServices = { ...buildCheckServices(config, clients, bucket), log };
      const checks = new Set<Promise<unknown>>();
      objectCreated = (event) => {
        const run: Promise<unknown> = objectsCreated(checkServices, s3.bucket, event)
          // As the deployed function's failures are: logged; the sweeper's backstop checks the upload later.
          .catch((error) => log.error('upload check failed', { error: (error as Error).name, errorMessage: (error as Error).message }))
          .finally(() => checks.delete(run));
        checks.add(run);
      };
      started.push(async () => {
        objectCreated = undefined;
        await Promise.allSettled([...checks]);
      });
    }
    // Registry records from before certificates had a life get their status and term (once per data folder).
    const backfilled = await services.registry.backfillLife();
    if (backfilled) log.info('registry records given their status and term', { records: backfilled });
    // Applications from before case numbers get theirs and their search index entries (once per data folder).
    const numbered = await backfillCaseNumbers(clients.db, config.tableName);
    if (numbered) log.info('applications given their case numbers', { applications: numbered });
    // Needs published before the demand library's clock get their wait for a first response (once per data folder).
    const aged = await backfillDemandAging(services.demands, (postedAt) => spanEnd(postedAt, config.demandResponseLimit, config.calendar));
    if (aged) log.info('published needs given their wait for a first response', { demands: aged });
    // Applications in progress from before the approval pipeline are counted in it (once per data folder).
    const piped = await backfillPipeline(clients.db, config.tableName, new Date());
    if (piped) log.info('applications counted in the approval pipeline', { applications: piped });
    const engine = await LocalEngine.create({
      dynamodb: clients.dynamodb,
      executionsTable: `sfn-executions${tableSuffix}`,
      stateMachineArn: STATE_MACHINE_ARN,
      definition: renderDefinition({ Partition: 'aws-cn', TableName: config.tableName, RecordOutcomeFunctionArn: RECORD_OUTCOME_ARN }),
      lambdas: { [RECORD_OUTCOME_ARN]: (event) => recordOutcome(services, event) },
      log,
      ...options.engine,
    });
    started.push(() => engine.close());
    sfn.serve(engine);
    const issuer = await devIssuer(dataDir);

    const app = new Hono();
    app.notFound((c) => c.json({ error: 'not_found', message: '没有这个接口' }, 404));
    // The routes only the local stack has (the dev issuer) answer errors as the API does.
    app.onError((error, c) => errorResponse(error, c, log));
    // Anyone may ask the dev issuer for a token, or load a page: counted per source address, in the one budget of the
    // API's public routes.
    const addressLimit = limitAddress(config.rateLimits.address);
    app.use('/v1/dev/*', addressLimit);
    app.route('/v1/dev', issuer.routes);
    // The web front end (built by `npm run build:web` into web/dist), beside the API as CloudFront serves it in AWS.
    // Registered before the API so the API's headers (a CSP that lets nothing run) never reach the pages; the pages
    // get their own: scripts, styles and calls from this origin only.
    const webRoot = resolve(import.meta.dirname, '../../web/dist');
    const isApi = (path: string) => path.startsWith('/v1/') || path === '/docs';
    // A page path counts whether or not the pages were built (unbuilt, it answers the API's 404). The content-hashed
    // assets do not: a page loads a dozen of them once and the browser keeps them (CloudFront serves them deployed,
    // outside the API's budget); counted, one office's officials opening pages would spend the address's budget on them.
    app.get('*', (c, next) => (isApi(c.req.path) || c.req.path.startsWith('/assets/') ? next() : addressLimit(c, next)));
    if (existsSync(webRoot)) {
      const root = relative(process.cwd(), webRoot) || '.';
      const pages = new Hono();
      pages.use(secureHeaders({ contentSecurityPolicy: webContentSecurityPolicy(s3.endpoint), xFrameOptions: 'DENY' }));
      // As CloudFront serves them (infra/web.ts): compressed, the content-hashed assets cached for a year, everything
      // else (index.html, config.json, robots.txt) checked again on every load.
      pages.use(compress());
      pages.use(async (c, next) => {
        await next();
        if (c.res.ok) c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      });
      pages.use('/*', serveStatic({ root }));
      // Client-side routes: any other page path answers the app's index.html.
      pages.get('*', serveStatic({ root, path: 'index.html' }));
      app.get('*', (c, next) => (isApi(c.req.path) ? next() : pages.fetch(c.req.raw)));
    }
    // The printable documents, as deployed: their own app (the documents' function behind the HTTP API's route for
    // that path, any method), so the API's app never carries pdfkit and the font.
    const documents = documentsApp({ services, verify: issuer.verify, rateLimits: config.rateLimits });
    app.all(documentsPath, (c) => documents.fetch(c.req.raw, c.env));
    app.route('/', createApp({ services, verify: issuer.verify, health: healthCheck(services), rateLimits: config.rateLimits, addressLimit }));

    // Every execution that was waiting is waiting again before the first request is served.
    const resumed = await engine.resume();
    const server = await listen(app.fetch, host, port);
    started.push(server.close);
    // Work recorded but never handed over (a crash between a write and its call) is handed over now, then periodically.
    const reconcileOnce = () => reconcile(services, 0).catch((error) => log.error('reconcile failed', { error: (error as Error).message }));
    await reconcileOnce();
    const every = options.reconcileEveryMs ?? 10_000;
    const timer = every > 0 ? setInterval(() => void reconcile(services).catch(() => undefined), every) : undefined;
    timer?.unref();
    started.push(() => clearInterval(timer));
    // The sweeper, as the deployed one runs each minute: one run at a time in this process (others may run beside).
    const sweepServices = buildSweepServices(config, clients, defaultSenders(emailSender(config.notifications.mail, config.region)), bucket);
    sweepServices.log = log;
    // Two runs at most at once (the sweeper is safe with any number): a run held by a robot that hangs until its
    // timeout leaves the other to take what comes due meanwhile. Asked while two run, the newer one answers.
    const sweeps = new Set<Promise<SweepResult>>();
    const sweepOnce = (): Promise<SweepResult> => {
      if (sweeps.size >= 2) return [...sweeps].at(-1)!;
      const run: Promise<SweepResult> = sweep(sweepServices).finally(() => sweeps.delete(run));
      sweeps.add(run);
      return run;
    };
    const sweepEvery = options.sweepEveryMs ?? Number(options.env?.SWEEP_EVERY_MS ?? 2_000);
    const sweeper = sweepEvery > 0 ? setInterval(() => void sweepOnce().catch((error) => log.error('sweep failed', { error: (error as Error).message })), sweepEvery) : undefined;
    sweeper?.unref();
    started.push(async () => {
      clearInterval(sweeper);
      await Promise.allSettled([...sweeps]);
    });
    log.info('local stack started', { url, dataDir, resumed });

    return {
      url,
      port,
      dataDir,
      engine,
      services,
      issuer,
      dynamo,
      sfn: { url: sfn.url, credentials: sfn.credentials },
      s3: { endpoint: s3.endpoint, bucket: s3.bucket, credentials: s3.credentials },
      app,
      mail: { url: mail.url, dir: mail.dir },
      sweep: sweepOnce,
      stop: undo,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}
