// Routes anyone may call: health, the catalogue of forms, regions, certificate verification.
import { Hono, type MiddlewareHandler } from 'hono';
import { DomainError } from '../../domain/application.js';
import { applicationTypes, catalogue } from '#forms/catalogue.js';
import { materialsFor } from '#forms/materials.js';
import { childrenOf, findRegion } from '../../regions/index.js';
import { certificateView } from '../../domain/registry.js';
import type { Services } from '../../services/context.js';
import type { Env } from '../request.js';
import { formJsonSchema, openApiDocument } from '../openapi.js';
import { queryOf } from './query.js';

/** What the public routes use: the certificates, the health check, the per-address limit. */
export interface PublicDeps {
  registry: Pick<Services['registry'], 'getCertificate'>;
  /** 办件查询 by case number and credit code. */
  progress: (query: { caseNo?: string; creditCode?: string }) => Promise<unknown>;
  /** When annual reports are due (the certificate shows the year's report status). */
  reportDeadline?: Services['config']['reportDeadline'];
  /** The needs a station was matched with, shown on its certificate (absent where the demand library is not served). */
  demands?: Pick<Services['demands'], 'certificateDemands'>;
  health: () => Promise<void>;
  /** The per-address limit (rate-limit.ts limitAddress), shared with every route anyone may call. */
  limited: MiddlewareHandler<Env>;
}

export function publicRoutes(deps: PublicDeps) {
  const r = new Hono<Env>();
  // Per source address, on the routes anyone may call: a signed-in caller's own requests are counted per caller instead.
  const { limited } = deps;

  // None of these takes a query parameter (queryOf refuses any with 400).
  r.get('/health', limited, async (c) => {
    queryOf(c, []);
    await deps.health();
    return c.json({ ok: true });
  });

  // Built on first request, then kept: the catalogue does not change while a container lives.
  let forms: unknown[] | undefined;
  r.get('/forms', limited, (c) => {
    queryOf(c, []);
    return c.json(
      (forms ??= applicationTypes.map((type) => {
        const entry = catalogue[type];
        return {
          type,
          name: entry.name,
          description: entry.description,
          hostLevels: entry.hostLevels,
          unique: entry.unique,
          termYears: entry.termYears,
          parkAllowed: entry.parkAllowed,
          schema: formJsonSchema(type),
          materials: materialsFor(type),
        };
      })),
    );
  });

  r.get('/openapi.json', limited, (c) => {
    queryOf(c, []);
    return c.json(openApiDocument());
  });

  r.get('/regions/:code', limited, (c) => {
    queryOf(c, []);
    const region = findRegion(c.req.param('code'));
    if (!region) throw new DomainError('not_found', `区划代码 ${c.req.param('code')} 不存在或不在广东省内`);
    return c.json({ ...region, children: childrenOf(region.code) });
  });

  // 办件查询: status and levels only, for whoever holds both the case number and the organisation's credit code.
  r.get('/progress', limited, async (c) => {
    const query = queryOf(c, ['caseNo', 'creditCode']);
    c.header('cache-control', 'no-store');
    return c.json(await deps.progress(query));
  });

  // Takes the ASCII number or the printed one (粤科协备〔2026〕000123号); answers public fields only.
  r.get('/certificates/:certificateNo', limited, async (c) => {
    queryOf(c, []);
    const record = await deps.registry.getCertificate(c.req.param('certificateNo'));
    if (!record) throw new DomainError('not_found', `证书编号 ${c.req.param('certificateNo').slice(0, 64)} 不存在`);
    const demands = deps.demands ? await deps.demands.certificateDemands(record.certificateNo) : undefined;
    return c.json({ ...certificateView(record, new Date(), deps.reportDeadline), ...(demands ? { demands } : {}) });
  });

  return r;
}
