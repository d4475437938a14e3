// Configuration, parsed once at start; a missing or malformed value stops the start and names itself.
// zod/mini: the functions that validate no form (the workflow's task, the reconciler) carry a fraction of zod.
import { parseReportDeadline } from './domain/process.js';
import * as z from 'zod/mini';
import { parseDemandResponseLimit, parseTimeLimits } from './domain/deadlines.js';
import { parseEscalation } from './domain/notifications.js';
import { parseTerms } from './domain/certificate.js';

const text = () => z.string().check(z.minLength(1));

const schema = z.object({
  TABLE_NAME: text(),
  /** The functions that start or call back the workflow (the API, the reconciler). */
  STATE_MACHINE_ARN: z.optional(text()),
  AWS_REGION: z._default(text(), 'cn-north-1'),
  /** Local stack only: where DynamoDB Local and the local Step Functions endpoint listen. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  SFN_ENDPOINT: z.optional(z.url()),
  /** `local`: tokens signed by the local dev issuer; `cognito`: tokens of the Cognito user pool. */
  AUTH_MODE: z._default(z.enum(['local', 'cognito']), 'cognito'),
  JWT_ISSUER: z.optional(text()),
  JWT_AUDIENCE: z.optional(text()),
  /** Per-level soft/hard time limits, e.g. `township=5/10,county=10/15` (working days) or `county=2s/4s`. */
  TIME_LIMITS: z.optional(z.string()),
  /** Public holidays and adjusted working days (CST), comma-separated `YYYY-MM-DD`. */
  HOLIDAYS: z.optional(z.string()),
  WORKDAYS: z.optional(z.string()),
  /**
   * Requests allowed per window: `caller=300/60` (each signed-in caller, 300 in 60 s), `address=600/60` (each source
   * address on the routes anyone may call); `off` turns one off. Unnamed ones keep their defaults.
   */
  RATE_LIMITS: z.optional(z.string()),
  /** The functions that hold application materials (the API): the uploads bucket (infra/uploads.ts grantUploads sets it). */
  UPLOADS_BUCKET: z.optional(text()),
  /** Local stack only: the S3-compatible server (infra/local/s3.ts), reached path-style. */
  S3_ENDPOINT: z.optional(z.url()),
  /**
   * `required`: a submission must carry its type's required materials (forms/materials.ts). `optional`: materials are
   * taken and checked as always, but none is required (a transition while applicants learn the lists; the tests of
   * features that are not about materials).
   */
  MATERIALS: z._default(z.enum(['required', 'optional']), 'required'),
  /** How long a presigned PUT of an upload may be started (a 20 MB file on a slow line takes minutes to send). */
  UPLOAD_URL_SECONDS: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(60), z.lte(3600))), 600),
  /** How long a material's download link works: five minutes at most (issue 14). */
  DOWNLOAD_URL_SECONDS: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(300))), 300),
  /** How many times an application may be returned for revision before only approve or reject remain. */
  MAX_RETURNS: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(0), z.lte(20))), 3),
  /** What an office's hard limit does, per level: `township=escalate,county=escalate,province=hold` (the defaults). */
  ESCALATION: z.optional(z.string()),
  /** Certificates' terms over the catalogue's: `academician-station=30s,society-station=5y,expert-station=none`. */
  TERMS: z.optional(z.string()),
  /** When a year's annual report is due: a month and day of the year after (`03-31`, the default), or seconds (`30s`) for demonstrations. */
  REPORT_DEADLINE: z.optional(z.string()),
  /** How long a published need waits for its first response before it counts as unanswered too long: working days (`10`) or seconds (`30s`). */
  DEMAND_RESPONSE_DAYS: z.optional(z.string()),
  /** The web pages' address, for the link in e-mails and robot messages (none: the message says to sign in). */
  WEB_URL: z.optional(z.url()),
  /** How e-mail leaves: `ses` (Amazon SES), `smtp` (a relay: the China regions, the local catcher) or `none`. */
  MAIL_TRANSPORT: z._default(z.enum(['none', 'smtp', 'ses']), 'none'),
  MAIL_FROM: z.optional(z.email()),
  /** `smtp://host:587` (STARTTLS when offered) or `smtps://host:465`. */
  SMTP_URL: z.optional(z.url()),
  SMTP_USER: z.optional(text()),
  /** The SSM SecureString parameter holding the relay's password (never the password itself in the environment). */
  SMTP_PASSWORD_PARAMETER: z.optional(text()),
  /** Local stack only: robot webhooks may be http:// to this machine (the tests' receivers). */
  ROBOT_LOOPBACK_HTTP: z._default(z.enum(['true', 'false']), 'false'),
  /** Delivery attempts and the first retry's delay in seconds (doubling after): `6/60`. */
  DELIVERY_RETRY: z._default(z.string().check(z.regex(/^\d+\/\d+$/)), '6/60'),
  /** How long a claimed delivery is its sender's before another may send it: longer than one send may take. */
  DELIVERY_LEASE_SECONDS: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(3600))), 120),
});

/** Operators read these: zod/mini carries no locale, so say plainly what is wrong (classic zod's English, shorter). */
const problem: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) return 'missing';
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' ? 'empty' : `below ${issue.minimum}`;
    case 'too_big':
      return `above ${issue.maximum}`;
    case 'invalid_value':
      return `"${String(issue.input)}" is not one of ${issue.values.join(', ')}`;
    case 'invalid_format':
      return `"${String(issue.input)}" is not a ${issue.format}`;
    case 'invalid_type':
      return `"${String(issue.input)}" is not ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    default:
      return `"${String(issue.input)}" is not valid`;
  }
};

function dates(text: string | undefined, name: string): Set<string> {
  const list = (text ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of list) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`${name}: "${d}" is not a YYYY-MM-DD date`);
  return new Set(list);
}

type Setting = keyof z.output<typeof schema>;

/** What a function may need beyond the table: to drive the workflow, to verify tokens, to hold materials. */
export type Need = 'workflow' | 'tokens' | 'uploads';
const settingsOf: Record<Need, Setting[]> = { workflow: ['STATE_MACHINE_ARN'], tokens: ['JWT_ISSUER', 'JWT_AUDIENCE'], uploads: ['UPLOADS_BUCKET'] };

function read(env: Record<string, string | undefined>) {
  const parsed = schema.safeParse(env, { error: problem });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    tableName: c.TABLE_NAME,
    stateMachineArn: c.STATE_MACHINE_ARN,
    region: c.AWS_REGION,
    dynamodbEndpoint: c.DYNAMODB_ENDPOINT,
    sfnEndpoint: c.SFN_ENDPOINT,
    auth: { mode: c.AUTH_MODE, issuer: c.JWT_ISSUER, audience: c.JWT_AUDIENCE },
    timeLimits: parseTimeLimits(c.TIME_LIMITS),
    calendar: { holidays: dates(c.HOLIDAYS, 'HOLIDAYS'), workdays: dates(c.WORKDAYS, 'WORKDAYS') },
    maxReturns: c.MAX_RETURNS,
    rateLimits: parseRateLimits(c.RATE_LIMITS),
    uploads: c.UPLOADS_BUCKET ? { bucket: c.UPLOADS_BUCKET, endpoint: c.S3_ENDPOINT } : undefined,
    materials: {
      required: c.MATERIALS === 'required',
      uploadUrlSeconds: c.UPLOAD_URL_SECONDS,
      downloadUrlSeconds: c.DOWNLOAD_URL_SECONDS,
    },
    escalation: parseEscalation(c.ESCALATION),
    terms: parseTerms(c.TERMS),
    reportDeadline: parseReportDeadline(c.REPORT_DEADLINE),
    demandResponseLimit: parseDemandResponseLimit(c.DEMAND_RESPONSE_DAYS),
    notifications: {
      webUrl: c.WEB_URL?.replace(/\/+$/, ''),
      mail: mailSettings(c),
      robotLoopbackHttp: c.ROBOT_LOOPBACK_HTTP === 'true',
      delivery: deliverySettings(c.DELIVERY_RETRY, c.DELIVERY_LEASE_SECONDS),
    },
  };
}

export type MailSettings =
  | { transport: 'none' }
  | { transport: 'ses'; from: string }
  | { transport: 'smtp'; from: string; url: string; user?: string; passwordParameter?: string };

function mailSettings(c: { MAIL_TRANSPORT: 'none' | 'smtp' | 'ses'; MAIL_FROM?: string; SMTP_URL?: string; SMTP_USER?: string; SMTP_PASSWORD_PARAMETER?: string }): MailSettings {
  if (c.MAIL_TRANSPORT === 'none') return { transport: 'none' };
  if (!c.MAIL_FROM) throw new Error(`configuration: MAIL_FROM must be set when MAIL_TRANSPORT is ${c.MAIL_TRANSPORT}`);
  if (c.MAIL_TRANSPORT === 'ses') return { transport: 'ses', from: c.MAIL_FROM };
  if (!c.SMTP_URL || !/^smtps?:$/.test(new URL(c.SMTP_URL).protocol)) throw new Error('configuration: SMTP_URL must be smtp://host:port or smtps://host:port when MAIL_TRANSPORT is smtp');
  if (Boolean(c.SMTP_USER) !== Boolean(c.SMTP_PASSWORD_PARAMETER)) throw new Error('configuration: SMTP_USER and SMTP_PASSWORD_PARAMETER go together');
  return { transport: 'smtp', from: c.MAIL_FROM, url: c.SMTP_URL, user: c.SMTP_USER, passwordParameter: c.SMTP_PASSWORD_PARAMETER };
}

export interface DeliverySettings {
  attempts: number;
  firstRetrySeconds: number;
  leaseSeconds: number;
}

function deliverySettings(retry: string, leaseSeconds: number): DeliverySettings {
  const [attempts, firstRetrySeconds] = retry.split('/').map(Number);
  if (attempts < 1 || firstRetrySeconds < 1) throw new Error(`configuration: DELIVERY_RETRY: "${retry}" needs at least 1 attempt and 1 s`);
  return { attempts, firstRetrySeconds, leaseSeconds };
}

/** The configuration of a function that needs `N`: what it needs is there, by its type as by the check at start. */
export type Config<N extends Need = never> = ReturnType<typeof read> &
  ('workflow' extends N ? { stateMachineArn: string } : unknown) &
  ('tokens' extends N ? { auth: { issuer: string; audience: string } } : unknown) &
  ('uploads' extends N ? { uploads: { bucket: string; endpoint?: string } } : unknown);

/**
 * Reads the configuration; `needs` names what this function cannot do without (the API verifies tokens and drives
 * the workflow; the workflow's own task does neither), and a missing setting for it stops the start, named.
 */
export function parseConfig<N extends Need = never>(env: Record<string, string | undefined> = process.env, needs: readonly N[] = []): Config<N> {
  const config = read(env);
  const missing = needs.flatMap((need) => settingsOf[need]).filter((name) => !env[name]);
  if (missing.length) throw new Error(`configuration: ${missing.join(', ')} must be set for this function`);
  return config as Config<N>;
}

/** At most `requests` in each window of `windowSeconds`. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Per signed-in caller (the token's `sub`). */
  caller: RateLimit | null;
  /** Per source address, on the routes anyone may call. */
  address: RateLimit | null;
  /**
   * Per source address, the requests refused for a missing or invalid token (401): past it, every request from that
   * address that needs a token is 429 before its token is checked, until the window ends.
   */
  refused: RateLimit | null;
}

export const defaultRateLimits: RateLimits = {
  caller: { requests: 300, windowSeconds: 60 },
  address: { requests: 600, windowSeconds: 60 },
  refused: { requests: 120, windowSeconds: 60 },
};

export function parseRateLimits(text: string | undefined): RateLimits {
  const limits: RateLimits = { ...defaultRateLimits };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(caller|address|refused)=(?:(off)|(\d+)\/(\d+))$/.exec(part);
    if (!match) throw new Error(`configuration: RATE_LIMITS: cannot read "${part}" (expected e.g. caller=300/60, address=600/60, refused=120/60 or caller=off)`);
    const [, scope, off, requests, windowSeconds] = match;
    if (!off && (Number(requests) < 1 || Number(windowSeconds) < 1)) throw new Error(`configuration: RATE_LIMITS: "${part}" must allow at least 1 request in at least 1 s`);
    limits[scope as keyof RateLimits] = off ? null : { requests: Number(requests), windowSeconds: Number(windowSeconds) };
  }
  return limits;
}

