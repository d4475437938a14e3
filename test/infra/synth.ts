// Synthesizes the stack for the infra tests, as `cdk synth` would.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApprovalStack, settingsFromContext, type ApprovalStackProps } from '#infra/stack.js';

export interface SynthOptions {
  /** e.g. `cn-north-1`; default: environment-agnostic, as the app is without the CDK CLI (which passes its region, us-east-1 if none is configured). */
  region?: string;
  webOrigin?: string;
  /** Run esbuild for each function and build the web pages (slow): only the tests that look at the bundles need it. */
  bundle?: boolean;
  /** As `-c key=value` gives it, e.g. `{ webDomain: 'apply.example.org' }` or `{ rateLimits: 'caller=100/60' }`. */
  context?: Record<string, string>;
}

export function synth(options: SynthOptions = {}) {
  const app = new App({
    context: {
      ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const props: ApprovalStackProps = {
    webOrigin: options.webOrigin,
    env: options.region ? { region: options.region } : undefined,
    settings: settingsFromContext(app),
  };
  const stack = new ApprovalStack(app, 'Test', props);
  const template = Template.fromStack(stack);
  /** The stack in us-east-1 that holds the web ACL when the stack is in another region of the aws partition. */
  const others = app.node.children.filter((c): c is Stack => Stack.isStack(c) && c !== stack);
  if (others.length > 1) throw new Error(`more than one other stack: ${others.map((s) => s.node.id).join(', ')}`);
  const edge = others[0] && { stack: others[0], template: Template.fromStack(others[0]) };
  return { app, stack, template, edge };
}

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any>; DependsOn?: string[] };

export function resources(template: Template, type?: string): [string, Resource][] {
  const all = Object.entries(template.toJSON().Resources as Record<string, Resource>);
  return type ? all.filter(([, r]) => r.Type === type) : all;
}

/** Every statement of every IAM policy in the template, with the policy's logical id. */
export function statements(template: Template): { policy: string; actions: string[]; resources: unknown[] }[] {
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  return resources(template, 'AWS::IAM::Policy').flatMap(([policy, r]) =>
    (r.Properties!.PolicyDocument.Statement as any[]).map((s) => ({ policy, actions: list(s.Action) as string[], resources: list(s.Resource) })),
  );
}
