// Reads one SSM parameter (GetParameter) with a request signed by the SDK's own SigV4 signer, rather than through
// @aws-sdk/client-ssm: that client carries the models and errors of every SSM operation, ~77 KiB of the export
// function's bundle and of its cold start, for one call at start. Credentials come from the environment, as the
// bundled clients take them in Lambda (infra/lambda-credentials.ts).
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';

/** SSM's regional endpoint: `amazonaws.com.cn` in the China regions. */
export function ssmEndpoint(region: string): string {
  return `https://ssm.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

export interface ReadParameterOptions {
  region: string;
  /** Default: the region's endpoint; a test's server otherwise. */
  endpoint?: string;
  /** Each attempt's limit. */
  timeoutMs?: number;
  /** As the SDK clients here (functions/clients.ts): three attempts for throttling, 5xx and network failures. */
  attempts?: number;
  /** A SecureString: decrypted by SSM (with the parameter's KMS key). */
  decrypt?: boolean;
}

/** The parameter's value; throws naming the parameter and SSM's error when it cannot be read. */
export async function readParameter(name: string, options: ReadParameterOptions): Promise<string> {
  const { region, timeoutMs = 3_000, attempts = 3 } = options;
  const url = new URL(options.endpoint ?? ssmEndpoint(region));
  const body = JSON.stringify({ Name: name, ...(options.decrypt ? { WithDecryption: true } : {}) });
  const signer = new SignatureV4({ service: 'ssm', region, credentials: fromEnv(), sha256: Sha256 });
  for (let attempt = 1; ; attempt++) {
    try {
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: '/',
        query: {},
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
        body,
      });
      // fetch sets Host itself, from the same URL: the value signed.
      const { host: _host, ...headers } = signed.headers;
      const response = await fetch(new URL('/', url), { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      const answer = (text ? JSON.parse(text) : {}) as { Parameter?: { Value?: unknown }; __type?: string; message?: string; Message?: string };
      if (response.ok) {
        if (typeof answer.Parameter?.Value !== 'string') throw new Error(`SSM parameter ${name}: no value in the answer`);
        return answer.Parameter.Value;
      }
      const type = answer.__type?.split('#').pop() ?? 'error';
      const failure = new Error(`SSM parameter ${name}: ${response.status} ${type}: ${answer.message ?? answer.Message ?? text.slice(0, 200)}`);
      const retryable = response.status >= 500 || response.status === 429 || /Throttl/.test(type);
      if (!retryable || attempt >= attempts) throw failure;
    } catch (error) {
      // Network failures and timeouts are retried; SSM's refusals (thrown above) are not.
      if ((error as Error).message.startsWith(`SSM parameter ${name}:`) || attempt >= attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
}
