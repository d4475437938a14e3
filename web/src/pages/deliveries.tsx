// Administrators: the e-mails and robot messages that could not be delivered after every attempt, newest first, so
// that a wrong address or a robot removed from its group is noticed and fixed (通知渠道).
import { api } from '../api';
import { formatTime, levelLabel, notificationKindLabel } from '../labels';
import { RegionName } from '../region-name';
import { Link } from '../router';
import type { DecidingLevel } from '../types';
import { ErrorNotice, PageTitle, usePages, PageFoot } from '../ui';

/** Who a notice was for, as people say it: an office by its level and region, an organisation by its code. */
function Recipient({ recipient }: { recipient: string }) {
  const office = /^office:(township|county|province):(\d+)$/.exec(recipient);
  if (office) {
    const level = office[1] as DecidingLevel;
    return (
      <Link href={`/offices/channels?level=${level}${level === 'province' ? '' : `&region=${office[2]}`}`}>
        <RegionName code={office[2]!} /> {levelLabel[level]}审批
      </Link>
    );
  }
  if (recipient.startsWith('org:')) return <>申请单位 {recipient.slice(4)}</>;
  return <>管理员</>;
}

export function FailedDeliveriesPage() {
  const { items, cursor, error, loading, more } = usePages((from) => api.failedDeliveries({ cursor: from, limit: 50 }), []);
  return (
    <section>
      <PageTitle title="投递失败">投递失败</PageTitle>
      <p class="lead">多次重试后仍未送达的电子邮件和群机器人消息（通知本身在平台内照常显示）。请核对对应办公室的通知渠道。</p>
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error ? <p role="status">{items.length ? `共 ${items.length}${cursor ? '+' : ''} 条，按时间从新到旧。` : '没有投递失败的消息。'}</p> : null}
      {items.length ? (
        <table class="table">
          <caption class="visually-hidden">投递失败的消息</caption>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">通知</th>
              <th scope="col">接收方</th>
              <th scope="col">渠道</th>
              <th scope="col">尝试次数</th>
              <th scope="col">最后一次错误</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.notificationId}-${item.channel}`}>
                <td data-label="时间">{formatTime(item.failedAt)}</td>
                <td data-label="通知">
                  <span class="badge">{notificationKindLabel[item.kind]}</span> <Link href={`/applications/${item.applicationId}`}>{item.title}</Link>
                </td>
                <td data-label="接收方">
                  <Recipient recipient={item.recipient} />
                </td>
                <td data-label="渠道">{item.channel === 'email' ? '电子邮件' : '群机器人'}</td>
                <td data-label="尝试次数">{item.attempts}</td>
                <td data-label="最后一次错误">
                  <code>{item.lastError}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="投递记录" />
    </section>
  );
}
