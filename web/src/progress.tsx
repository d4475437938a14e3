// An application's way through the chain, level by level, and its history read like a case file.
import { actionLabel, formatDate, formatTime, gradeLabel, levelLabel } from './labels';
import type { Application, DecidingLevel, HistoryEntry, ReplacedMaterial } from './types';

/** The levels that decide, from the host region's level up to the province (a village's or township's: township). */
export function chainFor(regionCode: string): DecidingLevel[] {
  return regionCode.length >= 9 ? ['township', 'county', 'province'] : ['county', 'province'];
}

/**
 * What the workflow is still doing with a decision or submission it has been handed (shared/api.md: it moves on by
 * itself, within a second locally): `recording` the last level's approval (the application becomes APPROVED with
 * its certificate number), `handing` it to the level in `currentLevel` (whose task then appears). None once settled.
 */
export type Transit = 'recording' | 'handing';

export function transitOf(app: Application): Transit | undefined {
  if (app.status !== 'PENDING' || app.task) return undefined;
  const last = app.history?.at(-1);
  return last?.action === 'approve' && last.level === app.currentLevel ? 'recording' : 'handing';
}

type StepState = 'done' | 'current' | 'returned' | 'stopped' | 'upcoming';

interface Step {
  level: DecidingLevel;
  state: StepState;
  text: string;
  entry?: HistoryEntry;
}

function lastAt(history: HistoryEntry[], level: DecidingLevel, actions: HistoryEntry['action'][]): HistoryEntry | undefined {
  return [...history].reverse().find((h) => h.level === level && actions.includes(h.action));
}

function stepsOf(app: Application): Step[] {
  const chain = chainFor(app.regionCode);
  const history = app.history ?? [];
  const currentIndex = app.status === 'APPROVED' ? chain.length : chain.indexOf(app.currentLevel ?? chain[0]!);
  return chain.map((level, index) => {
    if (index < currentIndex) {
      const entry = lastAt(history, level, ['approve']);
      return { level, state: 'done', text: entry ? `${formatDate(entry.at)} 通过` : '已通过', entry };
    }
    if (index > currentIndex) return { level, state: 'upcoming', text: app.status === 'PENDING' || app.status === 'RETURNED' ? '待审批' : '未进行' };
    switch (app.status) {
      case 'PENDING': {
        const transit = transitOf(app);
        const text = app.task
          ? `审批中，办理期限 ${formatDate(app.task.dueAt)}${app.task.overdue ? '（已超期）' : ''}`
          : transit === 'recording'
            ? '已通过，正在登记备案…'
            : '正在转交…';
        return { level, state: 'current', text, entry: transit === 'recording' ? lastAt(history, level, ['approve']) : undefined };
      }
      case 'RETURNED':
        return { level, state: 'returned', text: '已退回，待申请单位修改', entry: lastAt(history, level, ['return']) };
      case 'REJECTED':
        return { level, state: 'stopped', text: '不予通过', entry: lastAt(history, level, ['reject']) };
      case 'EXPIRED':
        return { level, state: 'stopped', text: '超过办理时限', entry: lastAt(history, level, ['expire']) };
      default:
        return { level, state: 'stopped', text: '申请已撤回' };
    }
  });
}

const stateMark: Record<StepState, string> = { done: '✓', current: '…', returned: '↩', stopped: '✕', upcoming: '' };

export function Progress({ app }: { app: Application }) {
  return (
    <ol class="steps" aria-label="审批进度">
      {stepsOf(app).map((step) => (
        <li key={step.level} class={`step ${step.state}`}>
          <span class="step-mark" aria-hidden="true">
            {stateMark[step.state]}
          </span>
          <span class="step-body">
            <strong>{levelLabel[step.level]}审批</strong>
            <span class="step-text">{step.text}</span>
            {step.entry?.comment ? <span class="step-comment">“{step.entry.comment}”</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

/**
 * The history, each entry's problems and changes named in Chinese (`titleOf`: form fields and materials), and the
 * files a resubmission replaced by their names (`replaced`: the application's replacedMaterials).
 */
export function History({ entries, titleOf, replaced = [] }: { entries: HistoryEntry[]; titleOf?: (path: string) => string; replaced?: ReplacedMaterial[] }) {
  const title = (path: string) => (titleOf ? titleOf(path) : path);
  const replacedName = (id: string) => {
    const file = replaced.find((m) => m.id === id);
    return file ? `${file.name}（${file.fileName}）` : id;
  };
  return (
    <ol class="history">
      {entries.map((entry, index) => (
        <li key={index} class={`history-entry ${entry.action}`}>
          <div class="history-head">
            <strong>{actionLabel[entry.action]}</strong>
            {entry.level ? <span class="badge">{levelLabel[entry.level]}</span> : null}
            <time dateTime={entry.at}>{formatTime(entry.at)}</time>
          </div>
          <div class="history-actor">{entry.actor?.name ?? '系统'}</div>
          {entry.grade ? <p class="history-grade">{entry.level === 'province' ? '评估等级' : '初评等级'}：{gradeLabel[entry.grade]}</p> : null}
          {entry.comment ? <p class="history-comment">{entry.comment}</p> : null}
          {entry.issues?.length ? (
            <div>
              <p class="history-label">需修改的问题（共 {entry.issues.length} 项）：</p>
              <ol class="issues">
                {entry.issues.map((issue, i) => (
                  <li key={i}>
                    {issue.path ? <span class="issue-field">{title(issue.path)}：</span> : null}
                    {issue.message}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
          {entry.changes?.length ? (
            <p class="history-changes">
              修改了：{entry.changes.map(title).join('、')}
            </p>
          ) : null}
          {entry.replaced?.length ? <p class="history-changes">替换了文件：{entry.replaced.map(replacedName).join('、')}（旧文件仍可查看）</p> : null}
        </li>
      ))}
    </ol>
  );
}
