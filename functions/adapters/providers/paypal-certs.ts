import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PAYPAL_HEADERS, PAYPAL_SIGNING_CERT_NAME } from '../../domain/webhook-signatures/paypal';
import type { SigningCertificate } from '../../domain/webhook-signatures/verification';

/**
 * Fetches the certificate a PayPal delivery names in PAYPAL-CERT-URL, for self-verification
 * (domain/webhook-signatures/paypal.ts). The URL comes from the request, so it is attacker-chosen
 * until proven otherwise: only allow-listed origins under PayPal's certificate path are fetched
 * (never a redirect), answers are size-bounded, and a fetched chain is cached so a burst of
 * deliveries costs one fetch. Anything that goes wrong is `undefined`: the delivery is refused
 * (401) and PayPal redelivers it.
 */

/** PayPal's API origins, live and sandbox (PayPal developer docs: REST API base URLs). */
export const PAYPAL_CERT_ORIGINS = [
  'https://api.paypal.com',
  'https://api-m.paypal.com',
  'https://api.sandbox.paypal.com',
  'https://api-m.sandbox.paypal.com',
] as const;
export const PAYPAL_CERT_PATH_PREFIX = '/v1/notifications/certs/';
export const CERT_FETCH_TIMEOUT_MS = 2_000;
/** A leaf and two intermediates in PEM are about 6 KB; far more is not a certificate. */
export const CERT_BYTES_MAX = 32_768;
/** How long a fetched chain is reused; the chain's own validity is still checked on every delivery. */
export const CERT_CACHE_SECONDS = 86_400;
/** Distinct certificate URLs kept; PayPal rotates rarely, so a few suffice and a flood cannot grow memory. */
export const CERT_CACHE_ENTRIES_MAX = 8;

export interface CertificateSourceOptions {
  readonly fetch: typeof fetch;
  readonly nowMs: () => number;
  /** Trusted roots (production: Node's bundled Mozilla roots, `tls.rootCertificates`). */
  readonly trustedRootsPem: readonly string[];
  /** Exact origins allowed; the twin adds its stand-in's http://127.0.0.1:<port>. */
  readonly origins?: readonly string[];
  readonly leafNames?: readonly string[];
}

export class PaypalCertificateSource {
  private readonly cache = new Map<string, { chainPem: string; fetchedAtMs: number }>();

  constructor(private readonly options: CertificateSourceOptions) {}

  /** The certificate for a delivery's headers, or undefined when it may not or cannot be fetched. */
  async forDelivery(headers: Readonly<Record<string, string | undefined>>): Promise<SigningCertificate | undefined> {
    const url = headers[PAYPAL_HEADERS.certUrl];
    if (url === undefined || !this.allowed(url)) return undefined;
    const chainPem = await this.chainFor(url);
    if (chainPem === undefined) return undefined;
    return {
      url,
      chainPem,
      trustedRootsPem: this.options.trustedRootsPem,
      leafNames: this.options.leafNames ?? [PAYPAL_SIGNING_CERT_NAME],
    };
  }

  allowed(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    const origins: readonly string[] = this.options.origins ?? PAYPAL_CERT_ORIGINS;
    // Compared on the parsed URL, so userinfo, odd ports and path tricks (`/../`) are normalised first.
    return (
      origins.includes(parsed.origin) &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.search === '' &&
      parsed.pathname.startsWith(PAYPAL_CERT_PATH_PREFIX) &&
      url === parsed.href
    );
  }

  private async chainFor(url: string): Promise<string | undefined> {
    const now = this.options.nowMs();
    const hit = this.cache.get(url);
    if (hit !== undefined && now - hit.fetchedAtMs < CERT_CACHE_SECONDS * 1_000) return hit.chainPem;
    let text: string;
    try {
      const response = await this.options.fetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(CERT_FETCH_TIMEOUT_MS),
      });
      if (response.status !== 200) return undefined;
      text = await response.text();
    } catch {
      return undefined;
    }
    if (text.length > CERT_BYTES_MAX || !text.includes('-----BEGIN CERTIFICATE-----')) return undefined;
    if (this.cache.size >= CERT_CACHE_ENTRIES_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(url, { chainPem: text, fetchedAtMs: now });
    return text;
  }
}

/** What intake needs from a certificate source. */
export interface DeliveryCertificates {
  forDelivery(headers: Readonly<Record<string, string | undefined>>): Promise<SigningCertificate | undefined>;
}

/**
 * The twin's certificates (PAYPAL_WEBHOOK_CERTS_FILE): `{ "roots": [pem file…], "certificates":
 * { "<cert url>": [pem file…] } }`, paths relative to the file. Nothing is fetched: the twin is offline,
 * and its test PKI (local/providers/paypal/test-certs) must never be trusted in AWS, where this is unset.
 */
export function fileCertificates(file: string): DeliveryCertificates {
  const base = resolve(file, '..');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { roots: string[]; certificates: Record<string, string[]> };
  const read = (paths: readonly string[]) => paths.map((path) => readFileSync(resolve(base, path), 'utf8')).join('');
  const trustedRootsPem = config.roots.map((path) => read([path]));
  const chains = new Map(Object.entries(config.certificates).map(([url, paths]) => [url, read(paths)]));
  return {
    forDelivery: async (headers) => {
      const url = headers[PAYPAL_HEADERS.certUrl];
      const chainPem = url === undefined ? undefined : chains.get(url);
      return url === undefined || chainPem === undefined
        ? undefined
        : { url, chainPem, trustedRootsPem, leafNames: [PAYPAL_SIGNING_CERT_NAME] };
    },
  };
}
