// 需求对接: an annual report's or a renewal's record of the station's needs (需求库) in its period, as filed. Its own
// chunk: only those pages show it (web/src/pages/application.tsx).
import { formatDate } from './labels';
import { Link } from './router';
import type { DemandRecord } from './types';

/** 需求对接: what the station took on from the demand library in the report's year or the term, as filed. */
export function DemandRecordView({ record, year }: { record: DemandRecord; year?: number }) {
  const period = year ? `${year} 年度` : `${formatDate(record.from)} 至 ${formatDate(record.to)}`;
  return (
    <section aria-labelledby="demand-record-title">
      <h2 id="demand-record-title">需求对接（需求库）</h2>
      <p>
        {period}对接需求 <strong>{record.matched}</strong> 项，办结 <strong>{record.closed}</strong> 项
        {record.averageRating !== null ? `，平均评分 ${record.averageRating} 星` : ''}
        {record.poorRatings ? `，其中差评 ${record.poorRatings} 项` : ''}。{record.matched || record.closed ? '' : '期间未经需求库对接需求。'}
      </p>
      {record.needs.length ? (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">需求</th>
              <th scope="col">对接日期</th>
              <th scope="col">办结日期</th>
              <th scope="col">评分</th>
            </tr>
          </thead>
          <tbody>
            {record.needs.map((need) => (
              <tr key={need.demandId}>
                <td>
                  <Link href={`/demands/${need.demandId}`}>{need.title}</Link>
                </td>
                <td>{formatDate(need.matchedAt)}</td>
                <td>{need.closedAt ? formatDate(need.closedAt) : '进行中'}</td>
                <td>{need.rating ? `${need.rating} 星` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
