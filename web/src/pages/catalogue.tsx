import { api } from '../api';
import { regionLevelLabel } from '../labels';
import { Link } from '../router';
import { ErrorNotice, Loading, PageTitle, useAsync } from '../ui';

export function CataloguePage() {
  const forms = useAsync(() => api.forms(), []);
  return (
    <section>
      <PageTitle title="申报">选择申报类型</PageTitle>
      <p>请选择要申请设立的站点或协会类型。每类申请经乡镇、县（区）、省三级（或县、省两级）审批，通过后纳入全省备案并颁发证书。</p>
      {forms.loading && !forms.data ? <Loading what="申报类型" /> : null}
      {forms.error ? <ErrorNotice error={forms.error} /> : null}
      <ul class="catalogue">
        {forms.data?.map((type) => (
          <li key={type.type}>
            <Link href={`/apply/${type.type}`} class="catalogue-item">
              <strong>{type.name}</strong>
              <span class="catalogue-desc">{type.description}</span>
              <span class="catalogue-meta">
                设在：{type.hostLevels.map((l) => regionLevelLabel[l]).join('、')}
                {type.unique ? ' · 每个区划限设一个' : ''}
                {type.parkAllowed ? ' · 可设在园区' : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
