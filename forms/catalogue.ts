// The catalogue of the nine application types, and validation of a submission that reports every problem at once.
import * as z from 'zod/mini';
import { regionLevelNames, type RegionLevel } from '../functions/domain/region-codes.js';
import { applicationTypes, isApplicationType, type ApplicationType, type CatalogueEntry } from './entry.js';
import { choice, fieldIssues, group, labelled, zhError, type FieldIssue } from './fields.js';
import { academicianStation } from './types/academician-station.js';
import { commissionerStation } from './types/commissioner-station.js';
import { consortiumStation } from './types/consortium-station.js';
import { expertStation } from './types/expert-station.js';
import { ruralTechAssociation } from './types/rural-tech-association.js';
import { scienceEStation } from './types/science-e-station.js';
import { societyStation } from './types/society-station.js';
import { techFederation } from './types/tech-federation.js';
import { townshipAssociation } from './types/township-association.js';

export { applicationTypes, isApplicationType, type ApplicationType } from './entry.js';

export const catalogue = {
  'township-association': townshipAssociation,
  'rural-tech-association': ruralTechAssociation,
  'tech-federation': techFederation,
  'society-station': societyStation,
  'commissioner-station': commissionerStation,
  'academician-station': academicianStation,
  'consortium-station': consortiumStation,
  'expert-station': expertStation,
  'science-e-station': scienceEStation,
} satisfies Record<ApplicationType, CatalogueEntry>;

/** A form as validated (trimmed), for a given type. */
export type FormOf<T extends ApplicationType> = z.output<(typeof catalogue)[T]['schema']>;
/** A form as an applicant sends it. */
export type FormInputOf<T extends ApplicationType> = z.input<(typeof catalogue)[T]['schema']>;
export type Submission = { [T in ApplicationType]: { type: T; regionCode: string; form: FormOf<T> } }[ApplicationType];

export type { FieldIssue } from './fields.js';
export type Validation<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export const submissionSchema = group('申请内容', {
  type: choice(
    '申请类型',
    Object.fromEntries(applicationTypes.map((t) => [t, catalogue[t].name])) as Record<ApplicationType, string>,
  ),
  regionCode: labelled(z.string({ error: zhError }).check(z.regex(/^\d{2,12}$/, '承办地区代码须为2至12位数字')), {
    title: '承办地区代码',
    description: '站点或协会所在（服务）地区的统计用区划代码',
  }),
  form: labelled(z.unknown().check(z.refine((form) => form !== undefined, '请填写申请表')), { title: '申请表' }),
});

export function validateForm<T extends ApplicationType>(
  type: T,
  form: unknown,
  basePath = 'form',
): Validation<FormOf<T>> {
  const result = (catalogue[type].schema as z.ZodMiniType).safeParse(form, { error: zhError });
  return result.success
    ? { ok: true, value: result.data as FormOf<T> }
    : { ok: false, issues: fieldIssues(result.error, basePath) };
}

/** Validates the envelope `{ type, regionCode, form }` and, when the type is known, the form: every problem at once. */
export function validateSubmission(body: unknown): Validation<Submission> {
  const envelope = submissionSchema.safeParse(body, { error: zhError });
  const issues = envelope.success ? [] : fieldIssues(envelope.error, '');
  const { type, form } = (typeof body === 'object' && body !== null ? body : {}) as { type?: unknown; form?: unknown };
  if (!isApplicationType(type)) return { ok: false, issues };
  const checked = validateForm(type, form);
  // The type's own schema says better what is wrong with the form.
  if (!checked.ok) return { ok: false, issues: [...issues.filter((i) => i.path !== 'form'), ...checked.issues] };
  if (!envelope.success) return { ok: false, issues };
  return { ok: true, value: { type, regionCode: envelope.data.regionCode, form: checked.value } as Submission };
}

/**
 * The rules that need the host region's level, which the caller looks up (forms/ holds no region
 * data): the type takes that level, and a park only where `parkAllowedAt` says.
 */
export function checkPlacement(type: ApplicationType, level: RegionLevel, form: unknown, basePath = 'form'): FieldIssue[] {
  const entry: CatalogueEntry = catalogue[type];
  const issues: FieldIssue[] = [];
  if (!entry.hostLevels.includes(level)) {
    const allowed = entry.hostLevels.map((l) => regionLevelNames[l]).join('或');
    issues.push({ path: 'regionCode', message: `${entry.name}只能设在${allowed}，不能设在${regionLevelNames[level]}` });
  }
  const hasPark = typeof form === 'object' && form !== null && (form as { park?: unknown }).park !== undefined;
  if (entry.parkAllowed && hasPark && !entry.parkAllowedAt.includes(level)) {
    const allowed = entry.parkAllowedAt.map((l) => regionLevelNames[l]).join('或');
    issues.push({ path: `${basePath}.park`, message: `只有设在${allowed}的${entry.name}才能填写所在园区` });
  }
  return issues;
}

// A renderer takes a choice's Chinese labels from `oneOf`, but only when no `enum` sits beside it.
const preferLabelledChoices: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = ({ jsonSchema }) => {
  if (jsonSchema.oneOf && jsonSchema.enum) delete jsonSchema.enum;
};

/** JSON Schema (draft 2020-12) of a type's form, with a Chinese `title` on every field. */
export function formJsonSchema(type: ApplicationType): object {
  return z.toJSONSchema(catalogue[type].schema, { target: 'draft-2020-12', io: 'input', override: preferLabelledChoices });
}
