// 缺口清单: what the plan still lacks under a region (GET /v1/gaps), as a list; for administrators and the province
// also as a map: the province's cities, a city's counties, a county's townships listed beside it. One read per level.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Session } from '../auth';
import { CsvButton, dateStamp } from '../csv';
import { RegionPicker } from '../region-picker';
import { Link, navigate, useLocation } from '../router';
import { ErrorNotice, Loading, PageTitle, useAsync } from '../ui';

type GapItem = Awaited<ReturnType<typeof api.gaps>>['items'][number];

/** What the map shades by: a gap entry's kind, read as a number. */
const measures = [
  { kind: 'consortium-station', name: '尚无学会联合体科技服务站的县（区）', unit: '个县（区）尚无学会联合体站' },
  { kind: 'unanswered-demands', name: '尚无响应的需求', unit: '条需求尚无响应' },
  { kind: 'overdue-demands', name: '超期仍无响应的需求', unit: '条需求超期无响应' },
] as const;

/** A region's figure for a kind: its count (a city's counties lacking the station, a need count), or 1 for a county lacking it. */
const figureOf = (item: GapItem, kind: string) => {
  const entry = item.missing.find((m) => m.kind === kind);
  return entry ? (entry.count ?? 1) : 0;
};

const PROVINCE = '44';

export function GapsPage({ session }: { session: Session }) {
  const { query } = useLocation();
  // Administrators and the province see the whole province; an office below it reads its own region only.
  const seesProvince = session.claims.role === 'admin' || session.claims.region === PROVINCE;
  const asked = query.get('region') ?? (seesProvince ? PROVINCE : '');
  const [draft, setDraft] = useState(asked);
  useEffect(() => setDraft(asked), [asked]);
  // Each answer keeps the region it is of: while the next region's loads, the last one's is not shown as the next's.
  const gaps = useAsync(() => api.gaps(asked || undefined).then((page) => ({ region: asked, ...page })), [asked]);
  const listed = gaps.data?.region === asked ? gaps.data : undefined;
  // The map's level: the province, or the city of the region asked (a county's or township's list beside its city).
  const mapLevel = seesProvince && asked ? (asked === PROVINCE ? PROVINCE : asked.slice(0, 4)) : null;
  const cityGaps = useAsync(
    () => (mapLevel && mapLevel !== asked ? api.gaps(mapLevel).then((page) => ({ region: mapLevel, ...page })) : Promise.resolve(null)),
    [mapLevel, mapLevel === asked],
  );
  const mapItems = mapLevel === asked ? listed?.items : cityGaps.data?.region === mapLevel ? cityGaps.data.items : undefined;
  const lacking = listed?.items.filter((item) => item.missing.length) ?? [];
  const show = (region: string) => navigate(`/gaps?region=${region}`, { replace: true });
  return (
    <section>
      <PageTitle title="缺口清单">缺口清单</PageTitle>
      <p class="lead">行动方案在各地还缺什么：县（区）的学会联合体科技服务站、乡镇的乡镇科协、村的农技协，以及尚无响应的需求。</p>
      <form
        class="filters"
        aria-label="缺口查询"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/gaps${draft ? `?region=${draft}` : ''}`, { replace: true });
        }}
      >
        <RegionPicker
          id="gap-region"
          legend="地区"
          value={draft === PROVINCE ? '' : draft}
          onChange={setDraft}
          deepest="township"
          hint={seesProvince ? '不选则为全省各地级市；或选择市、县或乡镇' : '默认本辖区'}
        />
        <div class="actions">
          <button type="submit" class="primary">
            查询
          </button>
        </div>
      </form>
      {gaps.loading && !listed ? <Loading what="缺口" /> : null}
      {gaps.error ? <ErrorNotice error={gaps.error} /> : null}
      {listed ? (
        <>
          <p role="status">
            共 {listed.items.length} 个下级地区，其中 {lacking.length} 个有缺口。
          </p>
          <div class={mapLevel ? 'map-layout' : undefined}>
            {mapLevel ? (
              <div class="map-pane">
                {mapItems ? <GapMap level={mapLevel} items={mapItems} selected={mapLevel === asked ? undefined : asked.slice(0, 6)} onOpen={show} /> : cityGaps.error ? <ErrorNotice error={cityGaps.error} /> : <Loading what="地图" />}
              </div>
            ) : null}
            <div class="map-table">
              <GapTable region={asked} items={listed.items} />
            </div>
          </div>
        </>
      ) : null}
    </section>
  );
}

function GapTable({ region, items }: { region: string; items: GapItem[] }) {
  return (
    <>
      <table class="table" id="gap-table">
        <caption class="visually-hidden">各地区的缺口</caption>
        <thead>
          <tr>
            <th scope="col">地区</th>
            <th scope="col">缺口</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.regionCode} class={item.missing.length ? 'has-gap' : undefined} data-code={item.regionCode}>
              <td data-label="地区">
                {/* A city, county or township opens the list of the regions under it, as a click on the map does. */}
                {item.regionCode.length < 12 ? <Link href={`/gaps?region=${item.regionCode}`}>{item.name}</Link> : item.name}
              </td>
              <td data-label="缺口">{item.missing.length ? item.missing.map((m) => <span key={m.kind} class="badge gap">{m.name}</span>) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <CsvButton
          label="导出 CSV"
          fileName={`缺口清单-${region || '本辖区'}-${dateStamp()}.csv`}
          header={['区划代码', '地区', '缺口', ...measures.map((m) => m.name)]}
          rows={() => items.map((item) => [item.regionCode, item.name, item.missing.map((m) => m.name).join('；'), ...measures.map((m) => figureOf(item, m.kind))])}
        />
      </div>
    </>
  );
}

/** The map of the gaps at the province's level (cities) or a city's (counties), shaded by the kind chosen. */
function GapMap({ level, items, selected, onOpen }: { level: string; items: GapItem[]; selected?: string; onOpen: (code: string) => void }) {
  const map = useAsync(() => import('../region-map'), []);
  const [kind, setKind] = useState<string>(measures[0].kind);
  const measure = measures.find((m) => m.kind === kind)!;
  const city = level === PROVINCE ? null : level;
  const title = city ? `${map.data?.cityName(city) ?? ''}各县（区）：${measure.name}` : `各地级市：${measure.name}`;
  return (
    <>
      <div class="field inline">
        <label for="gap-measure">按缺口着色：</label>
        <select id="gap-measure" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {measures.map((m) => (
            <option key={m.kind} value={m.kind}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      {map.data ? (
        <map.data.RegionMap
          id="gap-map"
          title={title}
          city={city}
          values={Object.fromEntries(items.map((item) => [item.regionCode, figureOf(item, kind)]))}
          describe={(n) => (kind === 'consortium-station' && city ? (n ? '尚无学会联合体科技服务站' : '已有学会联合体科技服务站') : `${n} ${measure.unit}`)}
          palette="gaps"
          selected={selected}
          onOpen={onOpen}
          onBack={() => onOpen(PROVINCE)}
        />
      ) : map.error ? (
        <ErrorNotice error={map.error} />
      ) : (
        <Loading what="地图" />
      )}
    </>
  );
}
