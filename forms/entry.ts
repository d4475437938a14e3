// What the catalogue says about each application type.
import type * as z from 'zod/mini';
import type { RegionLevel } from '../functions/domain/region-codes.js';

export const applicationTypes = [
  'township-association',
  'rural-tech-association',
  'tech-federation',
  'society-station',
  'commissioner-station',
  'academician-station',
  'consortium-station',
  'expert-station',
  'science-e-station',
] as const;

export type ApplicationType = (typeof applicationTypes)[number];

/**
 * Each type's name and plan rule, apart from its form: the registry and the workflow's task need these and no form,
 * and importing the catalogue builds all nine forms' schemas (and brings zod into a function that validates nothing).
 * `termYears`: the service term (服务期) a certificate of the type runs for, the workstations' three years; associations
 * have none (configuration TERMS may shorten it, functions/domain/certificate.ts).
 */
export const typeBasics = {
  'township-association': { name: '乡镇科协', unique: true, termYears: null },
  'rural-tech-association': { name: '农村专业技术协会', unique: true, termYears: null },
  'tech-federation': { name: '农技协联合会', unique: true, termYears: null },
  'society-station': { name: '学会科技服务站', unique: false, termYears: 3 },
  'commissioner-station': { name: '农村科技特派员工作站', unique: false, termYears: 3 },
  'academician-station': { name: '院士专家工作站', unique: false, termYears: 3 },
  'consortium-station': { name: '乡村振兴学会联合体科技服务站', unique: true, termYears: 3 },
  'expert-station': { name: '农技专家服务站', unique: false, termYears: 3 },
  'science-e-station': { name: '科普中国乡村e站', unique: true, termYears: 3 },
} as const satisfies Record<ApplicationType, { name: string; unique: boolean; termYears: number | null }>;

export function isApplicationType(value: unknown): value is ApplicationType {
  return applicationTypes.includes(value as ApplicationType);
}

/** 'host': at most one pending or approved application of the type per host region. */
export type UniqueScope = 'host' | null;

export interface CatalogueEntry {
  type: ApplicationType;
  /** Chinese name. */
  name: string;
  /** One Chinese line: what it is for. */
  description: string;
  /** Levels of region that may host it; the approval chain starts at the host's township or county. */
  hostLevels: RegionLevel[];
  unique: boolean;
  uniqueScope: UniqueScope;
  /** The certificate's term in years (服务期); null: no term. */
  termYears: number | null;
  /** Whether the form has a `park`; the caller must also check the host level is in `parkAllowedAt`. */
  parkAllowed: boolean;
  parkAllowedAt: RegionLevel[];
  /** The full form schema. */
  schema: z.ZodMiniType;
}

/**
 * Declares an entry: its name and plan rule from typeBasics, the redundant fields derived, the literal type and
 * schema type kept for inference.
 */
export function defineEntry<T extends ApplicationType, S extends z.ZodMiniType>(
  entry: Omit<CatalogueEntry, 'name' | 'unique' | 'uniqueScope' | 'parkAllowed' | 'termYears' | 'schema'> & { type: T; schema: S },
): CatalogueEntry & { type: T; schema: S } {
  const { name, unique, termYears } = typeBasics[entry.type];
  return { ...entry, name, unique, termYears, uniqueScope: unique ? 'host' : null, parkAllowed: entry.parkAllowedAt.length > 0 };
}
