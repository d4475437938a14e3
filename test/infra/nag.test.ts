import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './synth.js';

/** Each unacknowledged AwsSolutions finding, error or warning, as `severity rule at path`. */
function findings(app: App): string[] {
  const { violations } = new AwsSolutionsChecks().validateScope(app);
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
}

/** Every acknowledgement in the tree. */
function acknowledgements(app: App): { id: string; reason: string }[] {
  return app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }));
}

describe.each([
  { partition: 'aws', region: undefined },
  { partition: 'aws-cn', region: 'cn-northwest-1' },
])('cdk-nag AwsSolutions over the stack in the $partition partition', ({ region }) => {
  let app: App;

  beforeAll(() => {
    // Prepare: bundles left out, nag reads the template, not the code
    app = synth({ region }).app;
  });

  it('leaves no finding unacknowledged, neither error nor warning', () => {
    // Act
    const open = findings(app);

    // Assess
    expect(open).toEqual([]);
  });

  it('acknowledges only the known findings, each with its reason', () => {
    // Act
    const acknowledged = acknowledgements(app);

    // Assess
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set(['AwsSolutions-APIG4', 'AwsSolutions-IAM5[Resource::*]']));
    for (const { id, reason } of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
