// A draft (草稿) of an application: what an applicant organisation has typed so far, kept on the server so that a
// reload, another device or a colleague resumes it. Nothing in it is checked but its shape: it is checked when it is
// submitted, as any submission (POST /v1/applications).
import type { ApplicationType } from '#forms/catalogue.js';

/** How long a draft is kept after its last save (its materials' uploads are kept as long). */
export const DRAFT_KEEP_DAYS = 30;

/** How many drafts an organisation keeps at once. */
export const MAX_DRAFTS = 20;

/** A material of a draft: the upload it names, as the upload stood when the draft was last saved or read. */
export interface DraftMaterial {
  key: string;
  uploadId: string;
}

export interface DraftRecord {
  id: string;
  org: string;
  type: ApplicationType;
  /** The host region chosen so far ('' for none yet). */
  regionCode: string;
  form: Record<string, unknown>;
  materials: DraftMaterial[];
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Who saved it last. */
  updatedBy: { sub: string; name: string };
  /** Then it is gone: reads stop showing it, DynamoDB's TTL removes it. */
  expiresAt: string;
}

export const draftExpiry = (now: Date): string => new Date(now.getTime() + DRAFT_KEEP_DAYS * 86_400_000).toISOString();

/** What the list shows of a draft: its name as typed so far, or none. */
export function draftTitle(draft: Pick<DraftRecord, 'form'>): string {
  const name = draft.form.name;
  return typeof name === 'string' ? name.trim().slice(0, 100) : '';
}

export const isLive = (draft: Pick<DraftRecord, 'expiresAt'>, now: Date): boolean => Date.parse(draft.expiresAt) > now.getTime();
