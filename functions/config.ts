// Configuration, parsed once at start; a missing or malformed value stops the start and names itself.
import * as z from 'zod';
import { parseTimeLimits } from './domain/deadlines.js';

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  /** The functions that start or call back the workflow (the API, the reconciler). */
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).default('cn-north-1'),
  /** Local stack only: where DynamoDB Local and the local Step Functions endpoint listen. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  SFN_ENDPOINT: z.url().optional(),
  /** `local`: tokens signed by the local dev issuer; `cognito`: tokens of the Cognito user pool. */
  AUTH_MODE: z.enum(['local', 'cognito']).default('cognito'),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** Per-level soft/hard time limits, e.g. `township=5/10,county=10/15` (working days) or `county=2s/4s`. */
  TIME_LIMITS: z.string().optional(),
  /** Public holidays and adjusted working days (CST), comma-separated `YYYY-MM-DD`. */
  HOLIDAYS: z.string().optional(),
  WORKDAYS: z.string().optional(),
  /** How many times an application may be returned for revision before only approve or reject remain. */
  MAX_RETURNS: z.coerce.number().int().min(0).max(20).default(3),
});

function dates(text: string | undefined, name: string): Set<string> {
  const list = (text ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of list) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`${name}: "${d}" is not a YYYY-MM-DD date`);
  return new Set(list);
}

type Setting = keyof z.infer<typeof schema>;

/**
 * Reads the configuration; `needs` names the optional settings this function cannot do without
 * (the API verifies tokens and drives the workflow; the workflow's own task does neither).
 */
export function parseConfig(env: Record<string, string | undefined> = process.env, needs: Setting[] = []) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`configuration: ${problems}`);
  }
  const c = parsed.data;
  const missing = needs.filter((name) => c[name] === undefined || c[name] === '');
  if (missing.length) throw new Error(`configuration: ${missing.join(', ')} must be set for this function`);
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
  };
}

export type Config = ReturnType<typeof parseConfig>;
