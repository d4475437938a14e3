// GET /v1/registry/export: the registry as CSV, streamed. Its own module so that the streaming export function
// (functions/export.ts) carries this route and nothing else of the API.
import { Hono, type Context } from 'hono';
import { cstDate } from '../../domain/china-time.js';
import { CSV_BOM, csvRow } from '../../domain/csv.js';
import { exportHeader, exportRow, parseRegistryFilter, type RegistryFilter, type RegistryRecord } from '../../domain/registry.js';
import type { Env } from '../request.js';
import { registryRegionFor } from '../../policy.js';
import type { Services } from '../../services/context.js';
import { queryOf } from './query.js';

/** What the export reads: the registry, the clock (the file's date) and the log. */
export type RegistryExportServices = Pick<Services, 'registry' | 'now' | 'log'>;

/** The caller's filter, narrowed to what the caller may see; `more` names the route's other query parameters (paging). */
export function filterOf(c: Context<Env>, more: readonly string[] = []): RegistryFilter {
  const principal = c.get('principal');
  // A caller who may not read the registry is refused before the parameters are checked (403, not 400).
  registryRegionFor(principal, undefined);
  const { type, region, from, to, status } = queryOf(c, ['type', 'region', 'from', 'to', 'status', ...more]);
  const filter = parseRegistryFilter({ type, region, from, to, status });
  return { ...filter, region: registryRegionFor(principal, filter.region) };
}

/**
 * The CSV as a stream that reads the next page of the registry only when the previous one has been sent, so
 * an export of the whole province holds one page in memory. A page that fails to load aborts the download
 * (the client sees it cut short, never a file that looks complete).
 */
function csvStream(pages: AsyncGenerator<RegistryRecord[]>, first: IteratorResult<RegistryRecord[]>, onError: (error: unknown) => void) {
  const encoder = new TextEncoder();
  let next: IteratorResult<RegistryRecord[]> | undefined = first;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BOM + csvRow(exportHeader)));
    },
    async pull(controller) {
      try {
        const page = next ?? (await pages.next());
        next = undefined;
        if (page.done) controller.close();
        else controller.enqueue(encoder.encode(page.value.map((record) => csvRow(exportRow(record))).join('')));
      } catch (error) {
        onError(error);
        throw error;
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}


export function registryExportRoutes(s: RegistryExportServices) {
  const r = new Hono<Env>();
  r.get('/registry/export', async (c) => {
    const filter = filterOf(c);
    const pages = s.registry.each(filter);
    // The first page is read before answering, so a store that is down answers 503 rather than a cut-off file.
    const first = await pages.next();
    const date = cstDate(s.now()).replaceAll('-', '');
    const body = csvStream(pages, first, (error) =>
      s.log.error('registry export failed mid-stream', { message: (error as Error)?.message, filter }),
    );
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="registry-${date}.csv"; filename*=UTF-8''${encodeURIComponent(`备案登记-${date}.csv`)}`,
      'cache-control': 'no-store',
    });
  });

  return r;
}
