// Valid submissions for API tests: the catalogue's fixtures, made out by the calling organisation.
import { goodForms } from '#forms/fixtures.js';
import type { ApplicationType } from '#forms/catalogue.js';

export const ORG = '91441882MA4UA1B2C9';
export const VILLAGE = '441882102201'; // a village of 大路边镇, 连州市

export function submission(type: ApplicationType, regionCode: string, org = ORG, change: (form: any) => void = () => undefined) {
  const form = structuredClone(goodForms[type]) as any;
  form.organisation.creditCode = org;
  change(form);
  return { type, regionCode, form };
}
