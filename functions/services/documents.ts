// The printable documents of an application (申请表, 受理回执, 补正告知书): read as its GET reads it, for exactly
// those who may read it, with the personal data its GET masks masked here too, then laid out as PDF.
import { isApplicationType, typeBasics } from '#forms/entry.js';
import type { Principal } from '../auth.js';
import { documentContent, documentKindOf, lastReturn, type DocumentContent, type FormSchema } from '../domain/documents.js';
import { deadlinesFrom } from '../domain/deadlines.js';
import { isProcessType, processNames, type ProcessType } from '../domain/process.js';
import { progressView } from '../domain/progress-lookup.js';
import { openApiDocument, formJsonSchema } from '../http/openapi.js';
import { renderPdf } from '../pdf/render.js';
import { assertVisible, redactFor } from '../policy.js';
import { findRegion, regionPath } from '../regions/index.js';
import type { Services } from './context.js';
import { shownMaterials } from './materials.js';

/** What the documents read: the applications, the time limits and calendar (a correction's deadline), the clock. */
export type DocumentServices = Pick<Services, 'config' | 'applications' | 'now' | 'log'>;

export interface PrintedDocument {
  content: DocumentContent;
  pdf: Buffer;
}

const processForms: Record<ProcessType, string> = {
  'annual-report': 'AnnualReportSubmission',
  'certificate-change': 'CertificateChangeSubmission',
  'certificate-renewal': 'CertificateRenewalSubmission',
};

/** The form's JSON Schema as the catalogue and the API's document publish it, with each field's Chinese title. */
function formSchemaOf(type: string): FormSchema | undefined {
  if (isApplicationType(type)) return formJsonSchema(type) as FormSchema;
  if (!isProcessType(type)) return undefined;
  const schemas = (openApiDocument().components as { schemas: Record<string, { properties?: { form?: FormSchema } }> }).schemas;
  return schemas[processForms[type]]?.properties?.form;
}

const typeNameOf = (type: string) => (isApplicationType(type) ? typeBasics[type].name : isProcessType(type) ? processNames[type] : type);

/**
 * `GET /v1/applications/{id}/documents/{kind}`: an unknown kind is 404 before anything is read; an application the
 * caller may not see is 404 as its GET is; a return notice of one never returned is 409.
 */
export async function printDocument(s: DocumentServices, principal: Principal, id: string, kindText: string): Promise<PrintedDocument> {
  const kind = documentKindOf(kindText);
  const found = await s.applications.getWithHistory(id);
  const record = assertVisible(principal, found?.app, id);
  if (kind === 'return-notice') lastReturn(found!.history);
  // As GET /v1/applications/{id} shows it (policy.ts redactFor): an office the application has not reached yet reads
  // its contacts, mobiles and credit code masked, in the form and in the history alike.
  const { history, ...app } = redactFor(principal, { ...record, history: found!.history });
  const materials = shownMaterials(principal, record, record).materials;
  const returnedNow = record.status === 'RETURNED' && record.task ? record.task.expiresAt : undefined;
  const content = documentContent(kind, {
    app: { ...app, materials },
    history,
    typeName: typeNameOf(record.type),
    schema: formSchemaOf(record.type),
    regionPath,
    regionName: (code) => findRegion(code)?.name ?? code,
    progressUrl: s.config.notifications.webUrl ? `${s.config.notifications.webUrl}/progress` : undefined,
    levels: record.caseNo ? progressView({ ...record, caseNo: record.caseNo }, found!.history).levels : [],
    // While returned, the deadline the workflow's timer has; once resubmitted, the one the return set (the same rule).
    correctBy: (returned) =>
      returnedNow && returned.at === found!.history.findLast((e) => e.action === 'return')?.at
        ? returnedNow
        : deadlinesFrom(new Date(returned.at), s.config.timeLimits.resubmission, s.config.calendar).expiresAt,
    issuedAt: s.now(),
  });
  return { content, pdf: await renderPdf(content) };
}
