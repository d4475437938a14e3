// /v1/registry (and its CSV export) and /v1/stats: the approved records and the plan's progress.
// Administrators see the province; officials may query and export the registry of their own region.
import { Hono } from 'hono';
import { applicationTypes, typeBasics } from '#forms/entry.js';
import { progressReport } from '../../domain/progress.js';
import { pipelineReport } from '../../domain/pipeline.js';
import { childrenOf } from '../../regions/index.js';
import { PROVINCE } from '../../domain/region-codes.js';
import { reportStatusView } from '../../domain/registry.js';
import { pageOf, type Env } from '../request.js';
import { assertMayReadStats } from '../../policy.js';
import type { Services } from '../../services/context.js';
import { filterOf, registryExportRoutes } from './registry-export.js';
import { pageParams, queryOf } from './query.js';
import { pipelineTypeNames, readScopePipeline } from '../../services/pipeline.js';

const typeNames = Object.fromEntries(applicationTypes.map((type) => [type, typeBasics[type].name]));

export function registryRoutes(s: Services) {
  const r = new Hono<Env>();

  r.get('/registry', async (c) => {
    const page = await s.registry.query(filterOf(c, pageParams), pageOf(c));
    // Each record with its annual report status of the year now due.
    const now = s.now();
    return c.json({ ...page, items: page.items.map((record) => ({ ...record, report: reportStatusView(record, now, s.config.reportDeadline) })) });
  });
  r.route('/', registryExportRoutes(s));

  r.get('/stats', async (c) => {
    assertMayReadStats(c.get('principal'));
    queryOf(c, []);
    const [snapshot, pipeline] = await Promise.all([s.registry.stats.read(), s.registry.stats.readPipeline()]);
    return c.json({ ...progressReport(snapshot, typeNames), pipeline: pipelineReport(pipeline, pipelineTypeNames, { province: PROVINCE, children: childrenOf }) });
  });

  r.get('/stats/pipeline', async (c) => {
    const { region } = queryOf(c, ['region']);
    return c.json(await readScopePipeline(s, c.get('principal'), region));
  });

  return r;
}
