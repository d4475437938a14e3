// Helpers shared by the resilience tests.
import type { Client } from '../support/local.js';

/** Every item of a list route, page by page (100 at a time). */
export async function listAll(api: Client, path: string, token: string): Promise<any[]> {
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
