// Where the pages learn how to sign in: /config.json beside them (written by the deployed stack), else the build's env, else local.

export type AuthConfig =
  | { mode: 'local' }
  /** Cognito's hosted sign-in: `domain` is the user pool domain's URL, `clientId` the web app client. */
  | { mode: 'cognito'; domain: string; clientId: string; scopes?: string[] };

export interface WebConfig {
  auth: AuthConfig;
}

function fromBuildEnv(): WebConfig {
  const env = import.meta.env;
  if (env.VITE_AUTH_MODE === 'cognito' && env.VITE_COGNITO_DOMAIN && env.VITE_COGNITO_CLIENT_ID) {
    return { auth: { mode: 'cognito', domain: env.VITE_COGNITO_DOMAIN, clientId: env.VITE_COGNITO_CLIENT_ID } };
  }
  return { auth: { mode: 'local' } };
}

function isWebConfig(value: unknown): value is WebConfig {
  const auth = (value as WebConfig | null)?.auth;
  if (!auth) return false;
  if (auth.mode === 'local') return true;
  return auth.mode === 'cognito' && typeof auth.domain === 'string' && typeof auth.clientId === 'string';
}

let loaded: Promise<WebConfig> | undefined;

export function loadConfig(): Promise<WebConfig> {
  loaded ??= (async () => {
    try {
      const response = await fetch('/config.json', { headers: { accept: 'application/json' } });
      // Locally there is no such file and the page fallback answers HTML: that means the build's settings.
      if (response.ok && response.headers.get('content-type')?.includes('json')) {
        const value: unknown = await response.json();
        if (isWebConfig(value)) return value;
        throw new Error('/config.json 的内容不符合要求');
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('/config.json')) throw error;
    }
    return fromBuildEnv();
  })();
  return loaded;
}
