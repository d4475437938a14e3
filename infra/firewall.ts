// The WAF web ACL in front of the web distribution (and so of the API under /v1 and /docs): rate limits per viewer
// and per token at CloudFront's edge, AWS's known-bad-inputs rules, and its own logs.
import { ArnFormat, CrossStackReferences, RemovalPolicy, ReferenceStrength, Stack, Token } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { logRetention } from './function.js';

/** At most `requests` in each window of `windowSeconds`, as WAF counts them. */
export interface EdgeRateLimit {
  requests: number;
  windowSeconds: number;
}

export interface EdgeRateLimits {
  /** Each viewer's IP address (as CloudFront sees it), over every path: pages, API and export. */
  ip: EdgeRateLimit | null;
  /** Each `Authorization` header value on /v1/: one signed-in caller's token. */
  token: EdgeRateLimit | null;
}

/**
 * 60 s windows like the functions' own. Per token: the functions' per-caller limit (300 a minute), here counted over
 * every instance at once. Per IP: well under the HTTP API stage's 100 requests a second (6,000 a minute), so one address
 * cannot use up the whole API, yet roomy enough for an office or a carrier's NAT sharing one address.
 */
const defaultEdgeRateLimits: EdgeRateLimits = {
  ip: { requests: 1000, windowSeconds: 60 },
  token: { requests: 300, windowSeconds: 60 },
};

/** The evaluation windows WAF offers and the smallest limit it takes (RateBasedStatement). */
const wafWindows = [60, 120, 300, 600];
const wafMinimumLimit = 10;

/** `-c edgeRateLimits=ip=1000/60,token=300/60` (`ip=off` leaves a rule out); unnamed ones keep their defaults. */
export function parseEdgeRateLimits(text: string | undefined): EdgeRateLimits {
  const limits: EdgeRateLimits = { ...defaultEdgeRateLimits };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(ip|token)=(?:(off)|(\d+)\/(\d+))$/.exec(part);
    if (!match) throw new Error(`-c edgeRateLimits: cannot read "${part}" (expected e.g. ip=1000/60, token=300/60 or token=off)`);
    const [, key, off, requests, windowSeconds] = match;
    if (!off && !wafWindows.includes(Number(windowSeconds))) {
      throw new Error(`-c edgeRateLimits: "${part}": WAF counts over ${wafWindows.join(', ')} seconds only`);
    }
    if (!off && Number(requests) < wafMinimumLimit) throw new Error(`-c edgeRateLimits: "${part}": WAF limits start at ${wafMinimumLimit} requests`);
    limits[key as keyof EdgeRateLimits] = off ? null : { requests: Number(requests), windowSeconds: Number(windowSeconds) };
  }
  return limits;
}

/**
 * What a viewer over a limit gets: 429 and the API's error shape (shared/api.md), with the same messages as the
 * functions' own limits. WAF's answer is fixed, so the wait it names is the whole window: blocking stops once the
 * key's count over the last window is under the limit again, at the latest a window after the flood stops.
 */
function rateLimited(key: 'ip' | 'token', limit: EdgeRateLimit): { body: CfnWebACL.CustomResponseBodyProperty; action: CfnWebACL.RuleActionProperty } {
  const seconds = limit.windowSeconds;
  const message = key === 'ip' ? `来自您所在网络的请求过于频繁，请 ${seconds} 秒后再试` : `请求过于频繁，请 ${seconds} 秒后再试`;
  return {
    body: { contentType: 'APPLICATION_JSON', content: JSON.stringify({ error: 'rate_limited', message, retryAfter: seconds }) },
    action: {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: `rate-limited-${key}`,
          responseHeaders: [{ name: 'Retry-After', value: String(seconds) }],
        },
      },
    },
  };
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

export interface EdgeFirewallProps {
  limits: EdgeRateLimits;
}

/** A web ACL of scope CLOUDFRONT: its stack must be in us-east-1 (edgeFirewallFor places it). */
export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (stack.region !== 'us-east-1') throw new Error(`a CloudFront web ACL is made in us-east-1, not in ${stack.region}`);
    const { ip, token } = props.limits;

    const rules: CfnWebACL.RuleProperty[] = [];
    const bodies: Record<string, CfnWebACL.CustomResponseBodyProperty> = {};
    if (ip) {
      const { body, action } = rateLimited('ip', ip);
      bodies['rate-limited-ip'] = body;
      rules.push({
        name: 'PerViewerIp',
        priority: rules.length,
        action,
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: ip.requests, evaluationWindowSec: ip.windowSeconds } },
        visibilityConfig: visibility('PerViewerIp'),
      });
    }
    if (token) {
      const { body, action } = rateLimited('token', token);
      bodies['rate-limited-token'] = body;
      rules.push({
        name: 'PerToken',
        priority: rules.length,
        action,
        // Requests without the header are not counted here (WAF leaves out requests missing a key): the per-IP rule
        // covers them. A made-up token per request escapes this rule but not that one, and API Gateway's JWT authorizer
        // refuses it before any function runs.
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'CUSTOM_KEYS',
            customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
            limit: token.requests,
            evaluationWindowSec: token.windowSeconds,
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: '/v1/',
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        },
        visibilityConfig: visibility('PerToken'),
      });
    }
    // Log4j and Java deserialization probes, exploitable paths, a localhost Host header: no request of the pages or
    // of the API looks like these, so blocking them costs nothing. AWSManagedRulesCommonRuleSet is left out: its
    // SizeRestrictions_BODY blocks bodies over 8 KB (a submission may be 256 KiB), and the API already answers bad input
    // with a 400 naming the field, where the rule set would answer a bare 403.
    rules.push({
      name: 'KnownBadInputs',
      priority: rules.length,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
      visibilityConfig: visibility('KnownBadInputs'),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Rate limits per viewer IP and per token, known bad inputs: the web pages and the API behind CloudFront',
      defaultAction: { allow: {} },
      customResponseBodies: Object.keys(bodies).length > 0 ? bodies : undefined,
      rules,
      visibilityConfig: visibility('WebAcl'),
    });

    // What WAF blocked, kept a year like every other log of the stack; the requests it let through are in
    // CloudFront's and the API's access logs. WAF delivers only to log groups named aws-waf-logs-…; the stack's name
    // keeps two deployments apart.
    const logGroupName = `aws-waf-logs-${stack.stackName}`;
    const logs = new LogGroup(this, 'Logs', { logGroupName, retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the `:*` that its Arn attribute ends with, as WAF wants it.
      logDestinationConfigs: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      // Tokens and query strings stay out of the logs, as they do of the API's access logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { queryString: {} }],
      // Passed to CloudFormation as written (the property is untyped JSON in aws-cdk-lib), hence its capitals.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    logging.node.addDependency(logs);
  }

  get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}

/**
 * The web ACL for a distribution of `stack`, where CloudFront can take it: in `stack` itself in us-east-1, otherwise
 * in a small stack of its own there, read across regions. None for a stack without a region, which cannot reference
 * another region (the CDK CLI always gives the app one, its default us-east-1); none in the China partition either,
 * where the stack deploys no distribution.
 */
export function edgeFirewallFor(stack: Stack, limits: EdgeRateLimits): EdgeFirewall | undefined {
  if (Token.isUnresolved(stack.region) || stack.region.startsWith('cn-')) return undefined;
  if (stack.region === 'us-east-1') return new EdgeFirewall(stack, 'EdgeFirewall', { limits });
  const app = stack.node.scope;
  if (!app) throw new Error('the stack has no scope to put its us-east-1 stack in');
  const edge = new Stack(app, `${stack.node.id}Edge`, {
    // Named for the stack it serves and that stack's region: two deployments in two regions each get their own.
    stackName: `${stack.stackName}-Edge-${stack.region}`,
    description: `The WAF web ACL of ${stack.stackName}'s web distribution (${stack.region}): CloudFront takes web ACLs from us-east-1 only`,
    env: { account: Token.isUnresolved(stack.account) ? undefined : stack.account, region: 'us-east-1' },
    crossRegionReferences: true,
  });
  const firewall = new EdgeFirewall(edge, 'EdgeFirewall', { limits });
  // Read with Fn::GetStackOutput rather than CDK's SSM-parameter custom resources (a Lambda function in each stack):
  // what a strong reference would add, keeping the web ACL while the distribution uses it, WAF does itself (it
  // refuses to delete a web ACL still associated with a distribution).
  CrossStackReferences.of(firewall.webAcl).produce(ReferenceStrength.WEAK);
  return firewall;
}

/** Whether `edgeFirewallFor` puts the web ACL of a stack in `region` in a stack of its own, read across regions. */
export function firewallInOtherRegion(region: string | undefined): boolean {
  return region !== undefined && !Token.isUnresolved(region) && region !== 'us-east-1' && !region.startsWith('cn-');
}
