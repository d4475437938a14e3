// Reading applications back through the API: every page of a list, and waiting until they reach a state.
import type { LocalStack } from '#infra/local/stack.js';
import { eventually, type Client } from './local.js';

/** What the tests need of an API client: the harness's, or one for a stack in another process. */
export type Caller = Pick<Client, 'call' | 'token'> & { stack?: LocalStack };

/** Every item of a list route, page by page (100 at a time). */
export async function listAll(api: Caller, path: string, token: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const out = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}${query}`, { token });
    if (out.status !== 200) throw new Error(`GET ${path}: ${out.status} ${out.text}`);
    items.push(...out.body.items);
    cursor = out.body.cursor;
  } while (cursor);
  return items;
}

/** An application is settled when the workflow has caught up with it: a task waits, or it is final. */
export const isSettled = (app: any) =>
  (app.status === 'PENDING' || app.status === 'RETURNED') ? !!app.task : app.status !== 'APPROVED' || !!app.certificateNo;

/**
 * Reads the applications until each passes `done`, and answers them; after `ms`, fails naming each one that
 * does not, with what the store and the engine hold for it when the stack runs in this process.
 */
export async function waitForApplications(api: Caller, token: string, ids: string[], done: (app: any) => boolean, ms = 10_000): Promise<any[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const apps = await Promise.all(
      ids.map(async (id) => {
        const out = await api.call('GET', `/v1/applications/${id}`, { token });
        // An answer that is not the application (429, 503...) is kept with its status, for the failure to name it.
        return out.status === 200 ? out.body : { id, httpStatus: out.status, answer: out.text?.slice(0, 200) };
      }),
    );
    const pending = apps.filter((app) => !done(app));
    if (!pending.length) return apps;
    if (Date.now() > deadline) {
      const lines = await Promise.all(pending.map((app) => describe(api, app)));
      throw new Error(`${pending.length} of ${ids.length} applications did not settle in ${ms} ms:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function describe(api: Caller, app: any): Promise<string> {
  const seen = {
    id: app.id,
    ...(app.httpStatus ? { httpStatus: app.httpStatus, answer: app.answer } : {}),
    status: app.status,
    currentLevel: app.currentLevel,
    task: app.task ? app.task.level : null,
    history: app.history?.map((e: { action: string; level: string | null }) => `${e.action}@${e.level}`),
  };
  if (!api.stack) return JSON.stringify(seen);
  const stored = await api.stack.services.applications.get(app.id);
  const execution = await api.stack.engine.describeExecution(api.stack.engine.executionArn(app.id)).catch((e: Error) => ({ status: e.message, output: undefined }));
  return JSON.stringify({ ...seen, outbox: stored?.outbox ?? null, execution: execution.status, output: execution.output });
}

type AppState = { status: string; currentLevel: string; task: { level: string } | null };

/** Waits until the application (read by `token`) is in the wanted state. */
export function reach(api: Client, token: string, id: string, wanted: (app: AppState) => boolean, what: string) {
  return eventually(async () => {
    const out = await api.call('GET', `/v1/applications/${id}`, { token });
    return out.status === 200 && wanted(out.body) ? (out.body as AppState) : undefined;
  }, 10_000, `${id} ${what}`);
}
