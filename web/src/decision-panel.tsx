// The decision on a task (审批意见): approve, reject, or return with every problem listed at once. Its own chunk: only
// the official whose office holds the task loads it (web/src/pages/application.tsx).
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, type Decision } from './api';
import { fieldTitles } from './form-value';
import { gradeLabel, levelLabel } from './labels';
import type { EvaluationGrade } from '#functions/domain/process.js';
import { pathTitle } from './form-value';
import { chainFor } from './progress';
import { StockComments } from './stock-comments';
import type { Application, FormType, Issue } from './types';
import { Notice, messageOf } from './ui';

type Action = Decision['action'];
const actionWords: Record<Action, string> = { approve: '通过', reject: '不予通过', return: '退回修改' };

/**
 * Approve, reject, or return with every problem listed at once (一次性告知). Nothing is chosen for the official; a
 * decision that ends the application (the last level's approval, any rejection) is confirmed in a dialog first.
 */
export function DecisionPanel({
  app,
  formType,
  onDone,
}: {
  app: Application;
  formType: FormType;
  onDone: (message: string, recorded: Application) => void;
}) {
  const [action, setAction] = useState<Action>();
  const [comment, setComment] = useState('');
  const [grade, setGrade] = useState<EvaluationGrade>();
  const [problems, setProblems] = useState<Issue[]>([{ path: '', message: '' }]);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const fields = [
    ...fieldTitles(formType.schema),
    ...formType.materials.map((m) => ({ path: `materials.${m.key}`, title: pathTitle(formType, `materials.${m.key}`) })),
  ];
  const lastLevel = chainFor(app.regionCode).at(-1) === app.currentLevel;
  // 期满评估: the province grades the term with its approval; the county may propose a grade.
  const grading = app.type === 'certificate-renewal';
  const ends = action === 'reject' || (action === 'approve' && lastLevel);

  const send = async (chosen: Action) => {
    setBusy(true);
    setError(undefined);
    setFieldErrors([]);
    const text = comment.trim();
    const issues = problems
      .filter((p) => p.message.trim())
      .map((p) => (p.path ? { path: p.path, message: p.message.trim() } : { message: p.message.trim() }));
    const decision: Decision =
      chosen === 'approve'
        ? { action: chosen, ...(text ? { comment: text } : {}), ...(grading && grade ? { grade } : {}) }
        : chosen === 'reject'
          ? { action: chosen, comment: text }
          : { action: chosen, comment: text, issues };
    try {
      onDone(`已提交审批意见：${actionWords[chosen]}。`, await api.decide(app.id, decision));
    } catch (e) {
      setError(messageOf(e));
      if (e instanceof ApiError) setFieldErrors(e.issues);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (!action) {
      setFieldErrors([{ path: 'action', message: '请选择审批结果' }]);
      document.getElementById('action-approve')?.focus();
      return;
    }
    if (action === 'approve' && grading && lastLevel && !grade) {
      setFieldErrors([{ path: 'grade', message: '请评定等级（优秀、合格或不合格）' }]);
      document.getElementById('grade-excellent')?.focus();
      return;
    }
    if (action !== 'approve' && !comment.trim()) {
      setFieldErrors([{ path: 'comment', message: `${actionWords[action]}须填写审批意见` }]);
      document.getElementById('decision-comment')?.focus();
      return;
    }
    setFieldErrors([]);
    if (!ends) return void send(action);
    dialog.current?.showModal();
    // The safe choice has the focus: Enter or a stray tap cancels.
    cancelButton.current?.focus();
  };

  const confirm = () => {
    dialog.current?.close();
    if (action) void send(action);
  };

  const actionError = fieldErrors.filter((i) => i.path === 'action').map((i) => i.message);
  const commentError = fieldErrors.filter((i) => i.path === 'comment').map((i) => i.message);
  const issuesError = fieldErrors.filter((i) => i.path?.startsWith('issues')).map((i) => i.message);
  const gradeError = fieldErrors.filter((i) => i.path === 'grade').map((i) => i.message);
  const level = app.currentLevel ? levelLabel[app.currentLevel] : '';

  return (
    <form id="decision" class="decision" onSubmit={submit} noValidate aria-labelledby="decision-title">
      <h2 id="decision-title">{level}审批意见</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <fieldset
        class={`group${actionError.length ? ' invalid' : ''}`}
        aria-describedby={actionError.length ? 'decision-action-error' : undefined}
      >
        <legend>
          审批结果<span class="required" aria-hidden="true"> *</span>
        </legend>
        {actionError.length ? (
          <p class="field-error" id="decision-action-error">
            {actionError.join('；')}
          </p>
        ) : null}
        <div class="radios">
          {(Object.keys(actionWords) as Action[]).map((a) => (
            <div class="check" key={a}>
              <input
                type="radio"
                id={`action-${a}`}
                name="action"
                value={a}
                required
                checked={action === a}
                onChange={() => {
                  setAction(a);
                  setFieldErrors((errors) => errors.filter((i) => i.path !== 'action'));
                }}
              />
              <label for={`action-${a}`}>{actionWords[a]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class={`field wide${commentError.length ? ' invalid' : ''}`}>
        <label for="decision-comment">
          审批意见
          {action === 'approve' ? (
            <span class="optional">（选填）</span>
          ) : action ? (
            <span class="required" aria-hidden="true">
              {' '}
              *
            </span>
          ) : null}
        </label>
        <textarea
          id="decision-comment"
          rows={3}
          value={comment}
          required={!!action && action !== 'approve'}
          aria-invalid={commentError.length ? true : undefined}
          aria-describedby={commentError.length ? 'decision-comment-error' : undefined}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        {commentError.length ? (
          <p class="field-error" id="decision-comment-error">
            {commentError.join('；')}
          </p>
        ) : null}
        <StockComments
          current={comment}
          onPick={(picked) => {
            setComment(picked);
            setFieldErrors((errors) => errors.filter((i) => i.path !== 'comment'));
            document.getElementById('decision-comment')?.focus();
          }}
        />
      </div>
      {grading && action === 'approve' ? (
        <fieldset class={`group${gradeError.length ? ' invalid' : ''}`} aria-describedby={gradeError.length ? 'decision-grade-error' : undefined}>
          <legend>
            {lastLevel ? '评估等级' : '初评等级'}
            {lastLevel ? (
              <span class="required" aria-hidden="true">
                {' '}
                *
              </span>
            ) : (
              <span class="optional">（选填）</span>
            )}
          </legend>
          <p class="hint">优秀、合格的服务期续一个服务期；不合格的限期整改，连续两次不合格的提请撤销。</p>
          {gradeError.length ? (
            <p class="field-error" id="decision-grade-error">
              {gradeError.join('；')}
            </p>
          ) : null}
          <div class="radios">
            {(Object.keys(gradeLabel) as EvaluationGrade[]).map((g) => (
              <div class="check" key={g}>
                <input
                  type="radio"
                  id={`grade-${g}`}
                  name="grade"
                  value={g}
                  checked={grade === g}
                  onChange={() => {
                    setGrade(g);
                    setFieldErrors((errors) => errors.filter((i) => i.path !== 'grade'));
                  }}
                />
                <label for={`grade-${g}`}>{gradeLabel[g]}</label>
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      {action === 'return' ? (
        <fieldset class="group problems-editor">
          <legend>
            需修改的问题<span class="required" aria-hidden="true"> *</span>
          </legend>
          <p class="hint">一次性列出全部问题；可指明对应栏目或申报材料，申请单位修改时会在该栏目旁看到；指明的材料须重新上传。</p>
          {issuesError.length ? <p class="field-error">{issuesError.join('；')}</p> : null}
          {problems.map((problem, index) => (
            <div class="problem-row" key={index}>
              <div class="field">
                <label for={`problem-${index}-path`}>问题 {index + 1} 所在栏目</label>
                <select
                  id={`problem-${index}-path`}
                  value={problem.path}
                  onChange={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, path: e.currentTarget.value } : p)))}
                >
                  <option value="">（整体问题）</option>
                  {fields.map((f) => (
                    <option key={f.path} value={f.path}>
                      {f.title}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field grow">
                <label for={`problem-${index}-message`}>问题 {index + 1} 说明</label>
                <input
                  id={`problem-${index}-message`}
                  type="text"
                  value={problem.message}
                  onInput={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, message: e.currentTarget.value } : p)))}
                />
              </div>
              <button type="button" class="link danger" disabled={problems.length <= 1} onClick={() => setProblems(problems.filter((_, i) => i !== index))}>
                删除问题 {index + 1}
              </button>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setProblems([...problems, { path: '', message: '' }])}>
            ＋ 添加问题
          </button>
        </fieldset>
      ) : null}
      <div class="actions">
        <button type="submit" ref={submitButton} class={action === 'approve' || !action ? 'primary' : 'danger'} disabled={busy}>
          {busy ? '正在提交…' : '提交审批意见'}
        </button>
      </div>
      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        // Closed by 取消, by Escape, or on the way to sending: the focus goes back to where the official was.
        onClose={() => submitButton.current?.focus()}
      >
        <h2 id="confirm-title">{action === 'reject' ? '确认不予通过' : `确认通过${level}级审批`}</h2>
        <p id="confirm-text">
          {action === 'reject'
            ? '不予通过后审批终止，申请单位不能修改后重新提交。确定不予通过这份申请吗？'
            : '通过后申请即纳入全省备案并生成证书编号，不能撤销。确定通过这份申请吗？'}
        </p>
        <p class="confirm-name">{(app.subject?.title ?? String(app.form.name ?? ''))}</p>
        <div class="actions">
          <button type="button" class="secondary" ref={cancelButton} onClick={() => dialog.current?.close()}>
            取消
          </button>
          <button type="button" class={action === 'reject' ? 'danger' : 'primary'} onClick={confirm}>
            确认{action ? actionWords[action] : ''}
          </button>
        </div>
      </dialog>
    </form>
  );
}
