// Registry test helpers: approvals through the real township → county → province chain over HTTP, approved
// records seeded quickly through the store (the same recordApproval the workflow calls), and a CSV reader.
import { expect } from 'vitest';
import { ulid } from 'ulid';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RegistryRecord } from '#functions/domain/registry.js';
import { entriesOf } from '#functions/store/registry.js';
import { chainFor } from '#functions/domain/chain.js';
import { newApplication, type ApplicationRecord } from '#functions/domain/application.js';
import { deadlinesFrom, defaultTimeLimits } from '#functions/domain/deadlines.js';
import { recordApproval } from '#functions/services/record-outcome.js';
import type { Services } from '#functions/services/context.js';
import type { ApplicationType } from '#forms/catalogue.js';
import { goodForms } from '#forms/fixtures.js';
import { eventually, type Client } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

/** Tokens of the officials that decide in `regionCode`'s chain, made once per office. */
export function officials(api: Client) {
  const cache = new Map<string, Promise<string>>();
  return (level: string, region: string) => {
    const key = `${level}#${region}`;
    if (!cache.has(key)) cache.set(key, api.token({ role: 'official', level, region, name: `${level}-${region}` }));
    return cache.get(key)!;
  };
}

export async function submit(api: Client, applicant: string, type: ApplicationType, regionCode: string, change?: (form: any) => void) {
  const out = await api.call('POST', '/v1/applications', { token: applicant, body: submission(type, regionCode, ORG, change) });
  expect(out.status, out.text).toBe(201);
  return out.body as { id: string; regionCode: string };
}

/** Waits until the application shows in the inbox of `token`'s office. */
export async function awaitTask(api: Client, token: string, id: string) {
  await eventually(async () => {
    const out = await api.call('GET', '/v1/tasks?limit=100', { token });
    return out.body.items.some((item: { id: string }) => item.id === id) ? true : undefined;
  }, 30_000, `task ${id}`);
}

/** Decides at each level of the chain in turn: approves at every level, or rejects at the first or the last. */
export async function decideChain(
  api: Client,
  official: ReturnType<typeof officials>,
  app: { id: string; regionCode: string },
  outcome: 'approve' | 'reject-at-first-level' | 'reject-at-province' = 'approve',
) {
  const chain = chainFor(app.regionCode);
  for (const [i, step] of chain.entries()) {
    const token = await official(step.level, step.region);
    await awaitTask(api, token, app.id);
    const rejects = (outcome === 'reject-at-first-level' && i === 0) || (outcome === 'reject-at-province' && i === chain.length - 1);
    const body = rejects ? { action: 'reject', comment: '材料不全' } : { action: 'approve' };
    const out = await api.call('POST', `/v1/applications/${app.id}/decision`, { token, body });
    expect(out.status, out.text).toBe(200);
    if (rejects) return;
  }
}

export async function awaitStatus(api: Client, applicant: string, id: string, status: string) {
  return eventually(async () => {
    const out = await api.call('GET', `/v1/applications/${id}`, { token: applicant });
    return out.body.status === status ? out.body : undefined;
  }, 30_000, `${id} ${status}`);
}

/** Submits and approves at every level through the HTTP API; answers the certificate number. */
export async function approveThroughChain(
  api: Client,
  applicant: string,
  official: ReturnType<typeof officials>,
  type: ApplicationType,
  regionCode: string,
  change?: (form: any) => void,
): Promise<{ id: string; certificateNo: string }> {
  const app = await submit(api, applicant, type, regionCode, change);
  await decideChain(api, official, app);
  const approved = await awaitStatus(api, applicant, app.id, 'APPROVED');
  return { id: app.id, certificateNo: approved.certificateNo };
}

/** An application stored as the province's approval leaves it: PENDING, awaiting its record by the workflow. */
export async function storeAwaitingRecord(
  services: Services,
  seed: { type: ApplicationType; regionCode: string; at: Date; change?: (form: any) => void; org?: string },
): Promise<ApplicationRecord> {
  const form = structuredClone(goodForms[seed.type]) as any;
  const org = seed.org ?? ORG;
  form.organisation.creditCode = org;
  seed.change?.(form);
  const at = new Date(seed.at.getTime() - 3_600_000).toISOString();
  const id = ulid();
  const province = { level: 'province' as const, region: '44' };
  const step = { id, action: 'approve' as const, final: true, ...province, at, ...deadlinesFrom(new Date(at), defaultTimeLimits.province, { holidays: new Set(), workdays: new Set() }) };
  // As the province's approval leaves it: still PENDING at province, its certificate to be recorded by the workflow.
  const app: ApplicationRecord = { ...newApplication({ id, type: seed.type, regionCode: seed.regionCode, form, applicant: { org, sub: 'seed', name: 'seed' }, at, step }), outbox: null, awaitingRecord: true };
  const created = await services.applications.create(app, {
    at,
    action: 'submit',
    level: null,
    actor: { sub: 'seed', name: 'seed', role: 'applicant' },
    comment: null,
  });
  expect(created).toBe('created');
  return app;
}

/**
 * An approved application, recorded as the workflow records it (certificate, registry, progress counters in
 * one transaction): the way to put many records into the registry in seconds.
 */
export async function seedApproved(
  services: Services,
  seed: { type: ApplicationType; regionCode: string; at: Date; change?: (form: any) => void; org?: string },
): Promise<RegistryRecord> {
  const app = await storeAwaitingRecord(services, seed);
  const { certificateNo } = await recordApproval({ ...services, now: () => seed.at }, app.id);
  const record = await services.registry.getCertificate(certificateNo);
  expect(record).toMatchObject({ certificateNo, id: app.id, type: seed.type, regionCode: seed.regionCode, approvedAt: seed.at.toISOString(), status: 'ACTIVE' });
  return record!;
}

/** Registry entries written straight into the table (no application, no certificate): for volume, not for approvals. */
export async function seedEntries(services: Services, records: RegistryRecord[]): Promise<void> {
  const items = records.flatMap(entriesOf);
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, any> | undefined = { [services.config.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (pending && Object.keys(pending).length) {
      const out: { UnprocessedItems?: Record<string, any> } = await services.registry.db.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  if (field || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}
