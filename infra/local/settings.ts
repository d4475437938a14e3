// The settings `npm start` takes from its environment and hands to the stack (README, "Settings"): every one the
// README lists, beside PORT, DATA_DIR, HOST and S3_PORT, which infra/local/start.ts reads itself.
export const startSettings = [
  'TIME_LIMITS',
  'HOLIDAYS',
  'WORKDAYS',
  'MAX_RETURNS',
  'RATE_LIMITS',
  'MATERIALS',
  'UPLOAD_URL_SECONDS',
  'DOWNLOAD_URL_SECONDS',
  'ESCALATION',
  'SWEEP_EVERY_MS',
  'DELIVERY_RETRY',
  'DELIVERY_LEASE_SECONDS',
  'WEB_URL',
  'MAIL_FROM',
  'REPORT_DEADLINE',
  'TERMS',
  'DEMAND_RESPONSE_DAYS',
] as const;

/** What start.ts reads itself. */
export const ownSettings = ['PORT', 'DATA_DIR', 'HOST', 'S3_PORT'] as const;

/** The stack's settings out of an environment: those set, as set. */
export function settingsOf(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(startSettings.filter((k) => environment[k]).map((k) => [k, environment[k]!]));
}
