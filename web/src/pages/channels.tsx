// Administrators: where an office's notices go beyond the page: its e-mail addresses and its group robot (企业微信 or
// 钉钉, with 钉钉's 加签 secret). The webhook is shown back masked and the secret never; a new one replaces it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { formatTime, levelLabel } from '../labels';
import { RegionPicker } from '../region-picker';
import { navigate, useLocation } from '../router';
import type { ChannelsInput, DecidingLevel, Issue, OfficeChannels, RobotPlatform } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, messageOf } from '../ui';

const digits: Record<DecidingLevel, number> = { township: 9, county: 6, province: 2 };
const platformLabel: Record<RobotPlatform, string> = { wecom: '企业微信群机器人', dingtalk: '钉钉自定义机器人' };
const webhookExample: Record<RobotPlatform, string> = {
  wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=…',
};

type RobotChoice = 'keep' | 'none' | RobotPlatform;

/** Which form field an issue of the API's answer belongs to. */
const fieldOf = (issue: Issue) => (issue.path?.startsWith('emails') ? 'emails' : issue.path === 'robot.secret' ? 'secret' : issue.path?.startsWith('robot') ? 'webhook' : 'form');

export function ChannelsPage() {
  const { query } = useLocation();
  const level = (['township', 'county', 'province'] as const).find((l) => l === query.get('level')) ?? 'township';
  const region = level === 'province' ? '44' : (query.get('region') ?? '');
  const complete = region.length === digits[level];
  const [draftRegion, setDraftRegion] = useState(region);
  useEffect(() => setDraftRegion(region), [region]);

  const choose = (next: DecidingLevel, code: string) => {
    const params = new URLSearchParams({ level: next });
    if (next !== 'province' && code) params.set('region', code.slice(0, digits[next]));
    navigate(`/offices/channels?${params}`, { replace: true });
  };

  return (
    <section>
      <PageTitle title="通知渠道">通知渠道</PageTitle>
      <p class="lead">为各审批办公室设置接收通知的电子邮箱和群机器人。通知只含申请名称和链接，不含个人信息。</p>
      <form class="filters" aria-label="选择办公室" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="office-level">审批层级</label>
          <select id="office-level" value={level} onChange={(e) => choose(e.currentTarget.value as DecidingLevel, draftRegion)}>
            {(['township', 'county', 'province'] as const).map((l) => (
              <option key={l} value={l}>
                {levelLabel[l]}
              </option>
            ))}
          </select>
        </div>
        {level !== 'province' ? (
          <RegionPicker
            id="office-region"
            legend="办公室所在区划"
            value={draftRegion}
            required
            deepest={level === 'township' ? 'township' : 'county'}
            onChange={(code) => {
              setDraftRegion(code);
              if (code.length === digits[level]) choose(level, code);
            }}
          />
        ) : null}
      </form>
      {complete ? <OfficeChannelsForm key={`${level}:${region}`} level={level} region={region} /> : <p class="muted">请选到{levelLabel[level]}一级。</p>}
    </section>
  );
}

function OfficeChannelsForm({ level, region }: { level: DecidingLevel; region: string }) {
  const [current, setCurrent] = useState<OfficeChannels>();
  const [loadError, setLoadError] = useState<unknown>();
  const [emails, setEmails] = useState('');
  const [robot, setRobot] = useState<RobotChoice>('keep');
  const [webhook, setWebhook] = useState('');
  const [secret, setSecret] = useState('');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [flash, setFlash] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);

  const show = (view: OfficeChannels) => {
    setCurrent(view);
    setEmails(view.emails.join('\n'));
    setRobot(view.robot ? 'keep' : 'none');
    setWebhook('');
    setSecret('');
  };

  useEffect(() => {
    let live = true;
    api.channels(level, region).then(
      (view) => live && show(view),
      (error: unknown) => live && setLoadError(error),
    );
    return () => {
      live = false;
    };
  }, [level, region]);

  if (loadError) return <ErrorNotice error={loadError} />;
  if (!current) return <Loading what="通知渠道" />;

  const platform: RobotPlatform | undefined = robot === 'wecom' || robot === 'dingtalk' ? robot : undefined;
  const errorsOf = (field: string) => issues.filter((i) => fieldOf(i) === field).map((i) => i.message);

  const save = async (event: Event) => {
    event.preventDefault();
    const list = emails
      .split(/[\s,;，；]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    const input: ChannelsInput = { emails: list };
    const local: Issue[] = [];
    if (platform) {
      if (!webhook.trim()) local.push({ path: 'robot.webhookUrl', message: '请填写群机器人的完整 Webhook 地址' });
      else input.robot = { platform, webhookUrl: webhook.trim(), ...(platform === 'dingtalk' && secret.trim() ? { secret: secret.trim() } : {}) };
    } else if (robot === 'none' && current.robot) input.robot = null;
    setIssues(local);
    setFlash(undefined);
    if (local.length) return void document.getElementById('channel-webhook')?.focus();
    setBusy(true);
    try {
      show(await api.setChannels(level, region, input));
      setFlash({ kind: 'success', text: '已保存。' });
    } catch (e) {
      setFlash({ kind: 'error', text: messageOf(e) });
      if (e instanceof ApiError) setIssues(e.issues);
    }
    setBusy(false);
  };

  const emailErrors = errorsOf('emails');
  const webhookErrors = errorsOf('webhook');
  const secretErrors = errorsOf('secret');
  return (
    <form class="channels" onSubmit={save} noValidate aria-labelledby="channels-title">
      <h2 id="channels-title">{current.office.name}（{levelLabel[level]}审批）</h2>
      <p class="muted">{current.updatedAt ? `最近一次设置：${formatTime(current.updatedAt)}` : '尚未设置：通知只在平台内显示。'}</p>
      <div class="live-region" role="status">
        {flash ? (
          <Notice kind={flash.kind} announced={false}>
            {flash.text}
          </Notice>
        ) : null}
      </div>
      <div class={`field wide${emailErrors.length ? ' invalid' : ''}`}>
        <label for="channel-emails">
          接收通知的电子邮箱<span class="optional">（选填，每行一个，最多 10 个）</span>
        </label>
        <textarea
          id="channel-emails"
          rows={3}
          value={emails}
          autocomplete="off"
          aria-invalid={emailErrors.length ? true : undefined}
          aria-describedby={emailErrors.length ? 'channel-emails-error' : undefined}
          onInput={(e) => setEmails(e.currentTarget.value)}
        />
        {emailErrors.length ? (
          <p class="field-error" id="channel-emails-error">
            {emailErrors.join('；')}
          </p>
        ) : null}
      </div>
      <fieldset class="group">
        <legend>群机器人</legend>
        <p class="hint">
          {current.robot
            ? `当前：${platformLabel[current.robot.platform]}，${current.robot.webhookUrl}${current.robot.secretSet ? '（已设加签密钥）' : ''}`
            : '当前未设置群机器人。'}
        </p>
        <div class="radios">
          {current.robot ? (
            <div class="check">
              <input type="radio" id="robot-keep" name="robot" checked={robot === 'keep'} onChange={() => setRobot('keep')} />
              <label for="robot-keep">保持不变</label>
            </div>
          ) : null}
          <div class="check">
            <input type="radio" id="robot-none" name="robot" checked={robot === 'none'} onChange={() => setRobot('none')} />
            <label for="robot-none">{current.robot ? '删除群机器人' : '不设置'}</label>
          </div>
          {(['wecom', 'dingtalk'] as const).map((p) => (
            <div class="check" key={p}>
              <input type="radio" id={`robot-${p}`} name="robot" checked={robot === p} onChange={() => setRobot(p)} />
              <label for={`robot-${p}`}>{current.robot ? `改为${platformLabel[p]}` : platformLabel[p]}</label>
            </div>
          ))}
        </div>
        {platform ? (
          <>
            <div class={`field wide${webhookErrors.length ? ' invalid' : ''}`}>
              <label for="channel-webhook">
                Webhook 地址<span class="required" aria-hidden="true"> *</span>
              </label>
              <input
                id="channel-webhook"
                type="url"
                inputMode="url"
                autocomplete="off"
                spellcheck={false}
                placeholder={webhookExample[platform]}
                value={webhook}
                aria-invalid={webhookErrors.length ? true : undefined}
                aria-describedby={`channel-webhook-hint${webhookErrors.length ? ' channel-webhook-error' : ''}`}
                onInput={(e) => setWebhook(e.currentTarget.value)}
              />
              <p class="hint" id="channel-webhook-hint">
                从群设置的机器人详情中复制完整地址（须为 https）。保存后只显示地址和密钥末 4 位。
              </p>
              {webhookErrors.length ? (
                <p class="field-error" id="channel-webhook-error">
                  {webhookErrors.join('；')}
                </p>
              ) : null}
            </div>
            {platform === 'dingtalk' ? (
              <div class={`field wide${secretErrors.length ? ' invalid' : ''}`}>
                <label for="channel-secret">
                  加签密钥<span class="optional">（选填，SEC 开头）</span>
                </label>
                <input
                  id="channel-secret"
                  type="password"
                  autocomplete="off"
                  value={secret}
                  aria-invalid={secretErrors.length ? true : undefined}
                  aria-describedby={`channel-secret-hint${secretErrors.length ? ' channel-secret-error' : ''}`}
                  onInput={(e) => setSecret(e.currentTarget.value)}
                />
                <p class="hint" id="channel-secret-hint">
                  机器人安全设置选了“加签”时填写；保存后不再显示。
                </p>
                {secretErrors.length ? (
                  <p class="field-error" id="channel-secret-error">
                    {secretErrors.join('；')}
                  </p>
                ) : null}
              </div>
            ) : null}
          </>
        ) : null}
      </fieldset>
      {errorsOf('form').length ? <Notice kind="error">{errorsOf('form').join('；')}</Notice> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '正在保存…' : '保存'}
        </button>
      </div>
    </form>
  );
}
