// The CDK app: `npx cdk synth`, `-c region=cn-north-1` for the China partition, `-c webOrigin=https://…`.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApprovalStack, settingsFromContext } from './stack.js';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key);
const region = context('region') ?? process.env.CDK_DEFAULT_REGION;

new ApprovalStack(app, 'GdKexieApproval', {
  env: region ? { region, account: process.env.CDK_DEFAULT_ACCOUNT } : undefined,
  webOrigin: context('webOrigin'),
  settings: settingsFromContext(app),
});
// Any unacknowledged AwsSolutions finding, error or warning, stops the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
