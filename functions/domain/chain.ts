// Who decides an application, level by level. Pure: region codes carry their ancestors as prefixes.
import { codeAtLevel } from './region-codes.js';

export const decidingLevels = ['township', 'county', 'province'] as const;
export type DecidingLevel = (typeof decidingLevels)[number];

/** As users read them: 乡镇级, 县（区）级, 省级. */
export const decidingLevelNames: Record<DecidingLevel, string> = { township: '乡镇', county: '县（区）', province: '省' };

export interface ChainStep {
  level: DecidingLevel;
  /** The region code of the deciding office at that level. */
  region: string;
}

/** The region code at `level` that contains `regionCode` (its prefix), or undefined when `regionCode` is above that level. */
export function regionAtLevel(regionCode: string, level: DecidingLevel): string | undefined {
  return codeAtLevel(regionCode, level);
}

/**
 * The levels that decide an application hosted in `regionCode`, first to last.
 * A village's or township's application starts at its township; a county's at its county; all end at province.
 * 东莞 and 中山 have no county: their townships' 6-digit prefix is the pseudo-county (441900, 442000) that acts as one.
 */
export function chainFor(regionCode: string): ChainStep[] {
  if (!/^44(\d{4}|\d{7}|\d{10})$/.test(regionCode)) {
    throw new RangeError(`chainFor: ${regionCode} is not a Guangdong county, township or village code`);
  }
  return decidingLevels.flatMap((level) => {
    const region = regionAtLevel(regionCode, level);
    return region ? [{ level, region }] : [];
  });
}

/** The step after `level` in the chain of `regionCode`, or null when `level` is the last. */
export function nextStep(regionCode: string, level: DecidingLevel): ChainStep | null {
  const chain = chainFor(regionCode);
  const at = chain.findIndex((step) => step.level === level);
  if (at < 0) throw new RangeError(`nextStep: ${level} does not decide applications in ${regionCode}`);
  return chain[at + 1] ?? null;
}

/** The step of `level` in the chain of `regionCode`, or undefined when that level does not decide it. */
export function stepAt(regionCode: string, level: DecidingLevel): ChainStep | undefined {
  return chainFor(regionCode).find((step) => step.level === level);
}

/**
 * The levels that decide an application, first to last: an establishment's whole chain from its host level up to
 * the province; an annual report its county alone; a change its host level and the province; a renewal its county and the province.
 */
export function chainOf(app: { type?: string; regionCode: string }): ChainStep[] {
  const chain = chainFor(app.regionCode);
  switch (app.type) {
    case 'annual-report':
      return [{ level: 'county', region: regionAtLevel(app.regionCode, 'county')! }];
    case 'certificate-change':
      return chain[0].level === 'province' ? chain : [chain[0], chain.at(-1)!];
    case 'certificate-renewal':
      // The county reviews the self-assessment (and may propose a grade); the province grades it.
      return [{ level: 'county', region: regionAtLevel(app.regionCode, 'county')! }, chain.at(-1)!];
    default:
      return chain;
  }
}

/** The step after `level` in the application's chain, or null when `level` is the last. */
export function nextStepOf(app: { type?: string; regionCode: string }, level: DecidingLevel): ChainStep | null {
  const chain = chainOf(app);
  const at = chain.findIndex((step) => step.level === level);
  if (at < 0) throw new RangeError(`nextStepOf: ${level} does not decide ${app.type} in ${app.regionCode}`);
  return chain[at + 1] ?? null;
}

/** The step of `level` in the application's chain, or undefined when that level does not decide it. */
export function stepOf(app: { type?: string; regionCode: string }, level: DecidingLevel): ChainStep | undefined {
  return chainOf(app).find((step) => step.level === level);
}
