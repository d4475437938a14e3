// The printable documents' own function: behind the HTTP API's route for their path (any method) with the JWT
// authorizer, reading the table and nothing else, in both partitions; its bundle carries the font beside index.mjs
// and runs outside node_modules (pdfkit's standard fonts, read from disk beside its module, are never asked for).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFiles, esbuildOptions, lambdaEntries, projectRoot } from '#infra/bundling.js';
import { resources, statements, synth } from './synth.js';

let template: Template;
let china: Template;

beforeAll(() => {
  // Prepare: both partitions, bundles left out
  template = synth().template;
  china = synth({ region: 'cn-north-1' }).template;
});

const functionOf = (t: Template) => resources(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('DocumentsHandler'))!;
const roleOf = (t: Template) => functionOf(t)[1].Properties!.Role['Fn::GetAtt'][0];
const grantsOf = (t: Template) => statements(t).filter((s) => JSON.stringify(resources(t, 'AWS::IAM::Policy').find(([id]) => id === s.policy)![1].Properties!.Roles).includes(`"${roleOf(t)}"`));

describe.each([
  { partition: 'aws', get: () => template },
  { partition: 'aws-cn', get: () => china },
])('the documents function in the $partition partition', ({ get }) => {
  it('answers its path, any method, behind the JWT authorizer, through an integration of its own', () => {
    // Prepare
    const [fnId] = functionOf(get());

    // Act
    const [[, route]] = resources(get(), 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties!.RouteKey === 'ANY /v1/applications/{id}/documents/{kind}');
    const integrationId = route.Properties!.Target['Fn::Join'][1][1].Ref;
    const [, integration] = resources(get(), 'AWS::ApiGatewayV2::Integration').find(([id]) => id === integrationId)!;

    // Assess
    expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.stringMatching(/^ApiHttpApiJwt/) } });
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] }, PayloadFormatVersion: '2.0' });
  });

  it('reads the table and nothing else: no write, no workflow, no bucket', () => {
    // Act
    const actions = grantsOf(get()).flatMap((s) => s.actions);

    // Assess
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(actions.filter((a) => !/^(dynamodb:(BatchGetItem|GetRecords|GetShardIterator|Query|GetItem|Scan|ConditionCheckItem|DescribeTable)|kms:(Decrypt|DescribeKey)|logs:(CreateLogStream|PutLogEvents)|xray:(PutTraceSegments|PutTelemetryRecords))$/.test(a))).toEqual([]);
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQL)/.test(a) || a.startsWith('states:') || a.startsWith('s3:'))).toEqual([]);
  });

  it('is deployed from functions/documents.ts with the issuer of the API, 1024 MB and 28 s (under the HTTP API’s 30)', () => {
    // Act
    const [, fn] = functionOf(get());
    const env = fn.Properties!.Environment.Variables;

    // Assess
    expect(fn.Properties).toMatchObject({ MemorySize: 1024, Timeout: 28, Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(env).toMatchObject({ AUTH_MODE: 'cognito', JWT_ISSUER: expect.anything(), JWT_AUDIENCE: expect.anything(), TABLE_NAME: { Ref: expect.stringMatching(/^StorageTable/) } });
    expect(env).not.toHaveProperty('STATE_MACHINE_ARN');
    expect(env).not.toHaveProperty('UPLOADS_BUCKET');
  });
});

describe('the receipt’s 办件查询 link', () => {
  it('is the pages’ own address in the aws partition, and none in China without a web origin', () => {
    // Act
    const aws = functionOf(template)[1].Properties!.Environment.Variables;
    const cn = functionOf(china)[1].Properties!.Environment.Variables;

    // Assess
    expect(JSON.stringify(aws.WEB_URL)).toContain('WebDistribution');
    expect(cn).not.toHaveProperty('WEB_URL');
  });
});

describe('the documents bundle', () => {
  it('runs outside node_modules with the font beside it: a PDF in Chinese, pdfkit’s standard fonts never read', async () => {
    // Prepare: the bundle as deployed, and beside it the data files its code names (infra/bundling.ts afterBundling)
    const dir = mkdtempSync(path.join(tmpdir(), 'documents-bundle-'));
    try {
      const outfile = path.join(dir, 'index.mjs');
      const result = await build({ ...esbuildOptions, entryPoints: [path.join(projectRoot, 'functions/pdf/render.ts')], outfile, absWorkingDir: projectRoot, logLevel: 'silent', write: true });
      expect(result.errors).toEqual([]);
      const entry = await build({ ...esbuildOptions, entryPoints: [path.join(projectRoot, lambdaEntries.documents)], outfile: path.join(dir, 'handler.mjs'), absWorkingDir: projectRoot, logLevel: 'silent', metafile: true, write: false });
      const text = Object.keys(entry.metafile!.inputs).join('\n');
      for (const file of dataFiles) copyFileSync(path.join(projectRoot, file), path.join(dir, path.basename(file)));
      const script = `
        const { renderPdf } = await import(${JSON.stringify(outfile)});
        const pdf = await renderPdf({ kind: 'receipt', title: '受理回执', fileName: 'x.pdf', footer: '受理号 2026 0483 1295', issuedAt: new Date('2026-12-03T08:00:00Z'),
          blocks: [{ kind: 'rows', rows: [{ label: '申请单位', value: '连州市大路边镇寒鸭村菜心专业技术协会' }] }] });
        console.log(pdf.subarray(0, 5).toString(), pdf.length);`;

      // Act: in a folder with no node_modules, as Lambda runs it
      const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8' });

      // Assess
      expect(out).toMatch(/^%PDF- \d+/);
      expect(text).toContain('node_modules/pdfkit/js/pdfkit.node.mjs');
      expect(text).not.toMatch(/standard-fonts|\.afm/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
