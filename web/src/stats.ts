// Reads GET /v1/stats into bars for the dashboard. The route is young, so both arrays of records and maps by key are read.

export interface Bar {
  key: string;
  label: string;
  value: number;
  target?: number;
}

export interface Stats {
  byType: Bar[];
  byCity: Bar[];
  coverage: Bar[];
}

type Record_ = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function readBars(raw: unknown, keyNames: string[]): Bar[] {
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((item, i) => [keyNames.map((k) => str((item as Record_)?.[k])).find(Boolean) ?? String(i), item])
    : raw && typeof raw === 'object'
      ? Object.entries(raw)
      : [];
  return entries.flatMap(([key, item]) => {
    if (typeof item === 'number') return [{ key, label: key, value: item }];
    const r = (item ?? {}) as Record_;
    const value = num(r.count) ?? num(r.value) ?? num(r.approved) ?? num(r.achieved) ?? num(r.actual) ?? num(r.current);
    if (value === undefined) return [];
    return [{ key, label: str(r.label) ?? str(r.title) ?? str(r.name) ?? key, value, target: num(r.target) }];
  });
}

export function readStats(raw: unknown): Stats {
  const r = (raw ?? {}) as Record_;
  const byRegion = (r.byRegion ?? {}) as Record_;
  return {
    byType: readBars(r.byType ?? r.types, ['type', 'key', 'id']),
    byCity: readBars(r.byCity ?? byRegion.city ?? byRegion.cities ?? r.cities, ['code', 'city', 'region', 'regionCode', 'key']),
    coverage: readBars(r.coverage ?? r.progress ?? r.targets, ['key', 'id', 'metric', 'name']),
  };
}

/** Counts by a key, largest first. */
export function countBy<T>(items: T[], keyOf: (item: T) => string): Bar[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].map(([key, value]) => ({ key, label: key, value })).sort((a, b) => b.value - a.value);
}
