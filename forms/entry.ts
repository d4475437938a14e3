// What the catalogue says about each application type.
import type * as z from 'zod';

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

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
  schema: z.ZodType;
}

/** Declares an entry, deriving the redundant fields and keeping the literal type and schema type for inference. */
export function defineEntry<T extends ApplicationType, S extends z.ZodType>(
  entry: Omit<CatalogueEntry, 'uniqueScope' | 'parkAllowed' | 'schema'> & { type: T; schema: S },
): CatalogueEntry & { type: T; schema: S } {
  return { ...entry, uniqueScope: entry.unique ? 'host' : null, parkAllowed: entry.parkAllowedAt.length > 0 };
}
