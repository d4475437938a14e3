// The printable documents (GET /v1/applications/{id}/documents/{kind}: 申请表, 受理回执, 补正告知书 as PDF): their own
// function behind the HTTP API's route for that path, so that pdfkit and the font (~1.2 MiB of code and a 10.5 MB TTF
// beside it, infra/bundling.ts) stay out of the API's bundle and its cold start. It reads the table and nothing else.
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { routeToFunction, type Api } from './api.js';
import { lambdaEntries } from './bundling.js';
import { ProjectFunction } from './function.js';
import type { Storage } from './storage.js';

/** The documents' path in the HTTP API's terms (functions/http/documents-app.ts documentsPath in Hono's). */
export const documentsRoutePath = '/v1/applications/{id}/documents/{kind}';

export interface DocumentsProps {
  storage: Storage;
  api: Api;
  /** Configuration every function reads (functions/config.ts), except TABLE_NAME; no STATE_MACHINE_ARN (nothing is started). */
  environment: Record<string, string>;
  /** The pages' address, for the receipt's 办件查询 link (`<webUrl>/progress`); without it the receipt names the page. */
  webUrl?: string;
}

export class Documents extends Construct {
  readonly handler: ProjectFunction;

  constructor(scope: Construct, id: string, props: DocumentsProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: lambdaEntries.documents,
      description: 'GET /v1/applications/{id}/documents/{kind}: 申请表, 受理回执, 补正告知书 (PDF)',
      // Laying out and subsetting a CJK font is CPU work: 1024 MB is Lambda's share of most of a vCPU.
      memorySize: 1024,
      // HTTP APIs wait 30 s at most for their integration: the function gives up first and answers itself.
      timeout: Duration.seconds(28),
      environment: { ...props.environment, ...(props.webUrl ? { WEB_URL: props.webUrl } : {}) },
    }).bindTable(props.storage, 'read');
    routeToFunction(props.api, 'Documents', documentsRoutePath, this.handler);
  }
}
