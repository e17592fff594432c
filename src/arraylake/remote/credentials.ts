/**
 * @module Object-storage credentials for one repository: static, anonymous, or vended by the Arraylake
 * service and refreshed before they expire (and at once when storage says they already have). Concurrent
 * callers share one refresh; a secret is never put in an error message. The same source serves S3 keys,
 * GCS bearer tokens and Azure SAS tokens: anything with an optional `expiresAt`.
 */

/** What a refreshing source needs to know of any credential: when it stops working. */
export interface Expiring {
  /** When the service says they stop working; undefined for long-lived ones. */
  expiresAt?: Date | undefined;
}

export interface S3Credentials extends Expiring {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A GCS OAuth2 access token vended for one repository (`GSCredentials` of the Python client). */
export interface GcsToken extends Expiring {
  bearer: string;
}

/** An Azure user-delegation SAS token scoped to one container (`AzureCredentials` of the Python client). */
export interface AzureSas extends Expiring {
  sasToken: string;
  /** The storage account the token is for. */
  account: string;
}

export interface CredentialSource<C extends Expiring = S3Credentials> {
  /** Current credentials, refreshed first if they expire within the margin; undefined signs nothing (anonymous). */
  get(): Promise<C | undefined>;
  /** Storage rejected `used` as expired: the next `get` fetches new ones (unless a refresh already replaced them). */
  invalidate(used: C | undefined): void;
  /** How many times credentials were fetched (tests and logs). */
  readonly fetches: number;
}

export const anonymousCredentials: CredentialSource<never> = {
  get: async () => undefined,
  invalidate: () => undefined,
  fetches: 0,
};

export function staticCredentials(credentials: S3Credentials): CredentialSource {
  return { get: async () => credentials, invalidate: () => undefined, fetches: 0 };
}

export interface RefreshOptions {
  /** Refresh when fewer than this many ms remain; default 5 minutes (vended credentials usually last an hour). */
  marginMs?: number | undefined;
  now?: (() => number) | undefined;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Credentials from `fetch` (one call to the service), kept until they are about to expire.
 * @example
 * const source = refreshingCredentials(() => api.bucketCredentials("acme", "climate"));
 */
export function refreshingCredentials<C extends Expiring>(
  fetch: () => Promise<C>,
  options: RefreshOptions = {},
): CredentialSource<C> {
  const margin = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const now = options.now ?? Date.now;
  let current: C | undefined;
  let pending: Promise<C> | undefined;
  let fetches = 0;

  const fresh = (c: C): boolean => c.expiresAt === undefined || c.expiresAt.getTime() - now() > margin;

  const refresh = (): Promise<C> => {
    // One refresh at a time: a burst of chunk writes must not each ask the service.
    pending ??= (async () => {
      try {
        fetches += 1;
        current = await fetch();
        return current;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return {
    get: async () => (current && fresh(current) ? current : refresh()),
    invalidate: (used) => {
      if (used && current === used) current = undefined;
    },
    get fetches() {
      return fetches;
    },
  };
}
