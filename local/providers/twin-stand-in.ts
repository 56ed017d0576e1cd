// What a provider's stand-in gives the twin (local/providers/stand-ins.ts lists them).
export interface TwinStandInContext {
  /** The twin's API base URL: a stand-in posts its webhooks to `${apiUrl}/webhooks/<provider>`. */
  readonly apiUrl: string;
  /** The twin's webhook secrets file (config/webhook-secrets.local.json): `{ "<provider>": ["…"] }`. */
  readonly webhookSecretsFile: string;
  /** The twin's credentials file, when the developer has one (config/provider-credentials.local.json). */
  readonly credentials: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The twin's clock (POST /.twin/clock/advance moves it): a stand-in dates its payouts, reports and signed
   * webhooks by it, so a day the functions reconcile is the day the stand-in reports.
   */
  readonly nowMs: () => number;
}

export interface StartedTwinStandIn {
  readonly provider: string;
  readonly url: string;
  /** This provider's entry in PROVIDER_CREDENTIALS_FILE: its keys, and `base_url` pointing at the stand-in. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Moves a payout to one of the provider's states and sends its webhook (tests, drills). */
  setState(providerReference: string, providerState: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TwinStandIn {
  readonly provider: string;
  start(context: TwinStandInContext): Promise<StartedTwinStandIn>;
}
