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
 */
export const typeBasics = {
  'township-association': { name: '乡镇科协', unique: true },
  'rural-tech-association': { name: '农村专业技术协会', unique: true },
  'tech-federation': { name: '农技协联合会', unique: true },
  'society-station': { name: '学会科技服务站', unique: false },
  'commissioner-station': { name: '农村科技特派员工作站', unique: false },
  'academician-station': { name: '院士专家工作站', unique: false },
  'consortium-station': { name: '乡村振兴学会联合体科技服务站', unique: true },
  'expert-station': { name: '农技专家服务站', unique: false },
  'science-e-station': { name: '科普中国乡村e站', unique: true },
} as const satisfies Record<ApplicationType, { name: string; unique: boolean }>;

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
  entry: Omit<CatalogueEntry, 'name' | 'unique' | 'uniqueScope' | 'parkAllowed' | 'schema'> & { type: T; schema: S },
): CatalogueEntry & { type: T; schema: S } {
  const { name, unique } = typeBasics[entry.type];
  return { ...entry, name, unique, uniqueScope: unique ? 'host' : null, parkAllowed: entry.parkAllowedAt.length > 0 };
}
