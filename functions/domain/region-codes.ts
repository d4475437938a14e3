// Guangdong's division codes (National Bureau of Statistics): each level has its own length, and a code's prefixes
// are its ancestors. Pure: the names and the tree are functions/regions/'s.

export const PROVINCE = '44';

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export const codeLength: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

/** As users read a region's level (where a type may be hosted). */
export const regionLevelNames: Record<RegionLevel, string> = {
  province: '省',
  city: '地级市',
  county: '县（区）',
  township: '乡镇（街道）',
  village: '村（社区）',
};

/** The level of a code by its length, or undefined for a length no level has. */
export function levelOfCode(code: string): RegionLevel | undefined {
  return (Object.keys(codeLength) as RegionLevel[]).find((level) => codeLength[level] === code.length);
}

/** The code at `level` that contains `code` (its prefix), or undefined when `code` is above that level. */
export function codeAtLevel(code: string, level: RegionLevel): string | undefined {
  const length = codeLength[level];
  return code.length >= length ? code.slice(0, length) : undefined;
}

/** Every ancestor of `code` from its city down to itself (the province not included). */
export function regionScopes(code: string): string[] {
  return (['city', 'county', 'township', 'village'] as const).flatMap((level) => codeAtLevel(code, level) ?? []);
}
