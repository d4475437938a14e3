// /v1/applications/{id}/documents/{kind}: the application's printable documents as PDF. Its own module, served by
// its own function (functions/documents.ts): pdfkit and the font stay out of the API's bundle.
import { Hono } from 'hono';
import type { Env } from '../request.js';
import { printDocument, type DocumentServices } from '../../services/documents.js';
import { noQuery } from './query.js';

export function documentRoutes(s: DocumentServices) {
  const r = new Hono<Env>();
  r.get('/:id/documents/:kind', noQuery, async (c) => {
    const { content, pdf } = await printDocument(s, c.get('principal'), c.req.param('id'), c.req.param('kind'));
    // An ASCII name for clients that ignore filename* (RFC 6266), then the Chinese one with the case number.
    const ascii = `${content.kind}-${content.fileName.replace(/^.*-/, '')}`;
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(content.fileName)}`,
      'cache-control': 'private, no-store',
    });
  });
  return r;
}
