// Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (infra/bundling.ts aliases it).
// Lambda always gives a function its role's credentials in environment variables, so the default chain's
// other sources (SSO, STS web identity, INI files, instance metadata, login) are dead weight there:
// about 130 KiB of every bundle and of every cold start.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
