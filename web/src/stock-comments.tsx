// 常用意见 beside the decision's comment box: one tap puts an office's stock comment in it; what is typed can be kept as
// one, and the office's list trimmed, without leaving the page (the whole list saved over the version read).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { currentSession } from './auth';
import type { OfficeComments } from './types';
import { messageOf } from './ui';

export function StockComments({ current, onPick }: { current: string; onPick: (comment: string) => void }) {
  const claims = currentSession()?.claims;
  const office = claims?.role === 'official' && claims.level && claims.region ? { level: claims.level, region: claims.region } : undefined;
  const [list, setList] = useState<OfficeComments>();
  const [managing, setManaging] = useState(false);
  const [message, setMessage] = useState<string>();
  const load = () =>
    office &&
    api
      .officeComments(office.level, office.region)
      .then(setList)
      .catch(() => undefined);
  useEffect(() => void load(), [office?.level, office?.region]);
  if (!office || !list) return null;

  const save = async (comments: string[], done: string) => {
    try {
      setList(await api.saveOfficeComments(office.level, office.region, list.version, comments));
      setMessage(done);
    } catch (error) {
      setMessage(messageOf(error));
      if (error instanceof ApiError && error.status === 409) await load();
    }
  };
  const text = current.trim();
  const kept = list.comments.includes(text);
  return (
    <div class="stock-comments">
      <p class="stock-comments-label" id="stock-comments-label">
        常用意见{list.suggested ? '（示例，可存为本办公室的）' : ''}：
      </p>
      <ul class="chips" aria-labelledby="stock-comments-label">
        {list.comments.map((comment) => (
          <li key={comment}>
            <button type="button" class="chip" onClick={() => onPick(comment)} aria-pressed={comment === text}>
              {comment}
            </button>
            {managing ? (
              <button type="button" class="link danger" aria-label={`删除常用意见：${comment}`} onClick={() => save(list.comments.filter((c) => c !== comment), '已删除该条常用意见')}>
                删除
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <p class="stock-comments-actions">
        <button type="button" class="link" disabled={text.length < 2 || kept} onClick={() => save([...list.comments, text], '已存为常用意见')}>
          ＋ 把所填意见存为常用意见
        </button>
        <button type="button" class="link" aria-expanded={managing} onClick={() => setManaging(!managing)}>
          {managing ? '完成' : '管理常用意见'}
        </button>
        <span class="muted" role="status">
          {message ?? ''}
        </span>
      </p>
    </div>
  );
}
