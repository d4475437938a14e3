import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute, type RegistryFilters } from '../api';
import { certificateStatusLabel, formatDate } from '../labels';
import { RegionName } from '../region-name';
import { RegionPicker } from '../region-picker';
import { Link, navigate, useLocation } from '../router';
import { ErrorNotice, Notice, PageTitle, messageOf, useAsync, usePages, PageFoot } from '../ui';

const filterKeys = ['type', 'region', 'from', 'to', 'status'] as const;

function filtersFrom(query: URLSearchParams): RegistryFilters {
  return Object.fromEntries(filterKeys.map((k) => [k, query.get(k) ?? ''])) as RegistryFilters;
}

function toQuery(filters: RegistryFilters): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  return params.size ? `?${params}` : '';
}

/** The registry: approved stations and associations, searched by the API's filters, exported as CSV. */
export function RegistryPage() {
  const { query } = useLocation();
  const applied = filtersFrom(query);
  const appliedKey = toQuery(applied);
  const [draft, setDraft] = useState<RegistryFilters>(applied);
  const { items, cursor, error, loading, more } = usePages((from) => api.registry({ ...applied, cursor: from, limit: 50 }), [appliedKey]);
  const [exportState, setExportState] = useState<{ kind: 'info' | 'error'; text: string }>();
  const forms = useAsync(() => api.forms(), []);

  useEffect(() => setDraft(applied), [appliedKey]);

  const search = (event: Event) => {
    event.preventDefault();
    navigate(`/registry${toQuery(draft)}`, { replace: true });
  };

  const exportCsv = async () => {
    setExportState({ kind: 'info', text: '正在生成导出文件…' });
    try {
      const { blob, filename } = await api.registryCsv(applied);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExportState({ kind: 'info', text: '已开始下载（CSV，可用 Excel 直接打开）。' });
    } catch (e) {
      setExportState({ kind: 'error', text: isMissingRoute(e) ? '导出功能暂未开放（接口建设中），请稍后再试。' : messageOf(e) });
    }
  };

  const typeName = (type: string) => forms.data?.find((f) => f.type === type)?.name ?? type;

  return (
    <section>
      <PageTitle title="备案查询">备案查询</PageTitle>
      <form class="filters" onSubmit={search} aria-label="查询条件">
        <div class="field">
          <label for="filter-type">类型</label>
          <select id="filter-type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}>
            <option value="">全部类型</option>
            {forms.data?.map((f) => (
              <option key={f.type} value={f.type}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">状态</label>
          <select id="filter-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">全部状态</option>
            {Object.entries(certificateStatusLabel).map(([status, name]) => (
              <option key={status} value={status}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <RegionPicker id="filter-region" legend="区划" value={draft.region ?? ''} onChange={(region) => setDraft({ ...draft, region })} deepest="township" hint="选到任一级，即查询其下全部" />
        <div class="field">
          <label for="filter-from">批准日期从</label>
          <input id="filter-from" type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="filter-to">至</label>
          <input id="filter-to" type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            查询
          </button>
          <button type="button" class="secondary" onClick={() => navigate('/registry', { replace: true })}>
            清除条件
          </button>
          <button type="button" class="secondary" onClick={() => void exportCsv()}>
            导出 CSV
          </button>
        </div>
      </form>
      {exportState ? <Notice kind={exportState.kind}>{exportState.text}</Notice> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error ? (
        <p role="status">
          {items.length ? `找到 ${items.length}${cursor ? '+' : ''} 条备案记录（按批准时间从新到旧）。` : '没有符合条件的备案记录。'}
        </p>
      ) : null}
      {items.length ? (
        <table class="table">
          <caption class="visually-hidden">备案记录</caption>
          <thead>
            <tr>
              <th scope="col">证书编号</th>
              <th scope="col">名称</th>
              <th scope="col">类型</th>
              <th scope="col">区划</th>
              <th scope="col">申请单位</th>
              <th scope="col">批准日期</th>
              <th scope="col">状态</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.certificateNo}>
                <td data-label="证书编号">
                  <Link href={`/certificates/${encodeURIComponent(item.certificateNo)}`}>{item.certificateNo}</Link>
                </td>
                <td data-label="名称">
                  <Link href={`/applications/${item.id}`}>{item.name}</Link>
                </td>
                <td data-label="类型">{typeName(item.type)}</td>
                <td data-label="区划">
                  <RegionName code={item.regionCode} />
                </td>
                <td data-label="申请单位">{item.organisation}</td>
                <td data-label="批准日期">{formatDate(item.approvedAt)}</td>
                <td data-label="状态">
                  <span class={`cert-status cert-status-${item.status.toLowerCase()}`}>{certificateStatusLabel[item.status]}</span>
                  {item.validUntil && item.status === 'ACTIVE' ? <span class="hint"> 至 {formatDate(item.validUntil)}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="备案记录" />
    </section>
  );
}
