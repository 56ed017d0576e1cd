import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { synthesizePlatform } from './support/synth';

// An alarm on a custom metric watches a name; a handler emits one. They are typed once
// (functions/shared/names.ts), and this test holds the two sides together where it matters: it
// reads every custom-metric alarm from the synthesized template and runs the handlers that emit
// those metrics, with the namespace and service the template gives each function, capturing the
// EMF lines Powertools writes. A rename on either side (or a literal typed in a handler) fails here.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The use case and its wiring stand still: this test is about the names the handler emits around them.
vi.mock('../../functions/app/reconciliation/run', () => ({
  runReconciliation: vi.fn(async (_deps: unknown, date: string) => ({
    date,
    runId: 'run_metric_names',
    state: 'succeeded',
  })),
}));
vi.mock('../../functions/wiring/reconciliation', () => ({
  reconciliationDependencies: () => ({ now: () => new Date('2026-11-25T12:00:00.000Z'), timeZone: 'UTC' }),
}));

type Resource = { Type: string; Properties: Record<string, any> };

interface WatchedMetric {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  /** The dimensions the alarm pins (a Metrics Insights query pins none: it sums every combination). */
  readonly dimensions: Record<string, string>;
}

interface EmittedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

let resources: Record<string, Resource>;

/** Every alarm on a metric of our own namespace (AWS/* metrics are the services' own names). */
function customMetricAlarms(): WatchedMetric[] {
  const alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  return alarms.flatMap(([logicalId, { Properties: p }]): WatchedMetric[] => {
    if (typeof p['Namespace'] === 'string') {
      if (p['Namespace'].startsWith('AWS/')) return [];
      const dimensions = Object.fromEntries(
        ((p['Dimensions'] ?? []) as Array<{ Name: string; Value: string }>).map((d) => [d.Name, d.Value]),
      );
      return [{ alarm: logicalId, namespace: p['Namespace'], metricName: String(p['MetricName']), dimensions }];
    }
    return ((p['Metrics'] ?? []) as Array<{ Expression?: string }>).flatMap((m) => {
      const query = /^SELECT SUM\((\w+)\) FROM "([^"]+)"$/.exec(m.Expression ?? '');
      if (query === null) throw new Error(`${logicalId}: an alarm expression this test cannot read: ${m.Expression}`);
      return [{ alarm: logicalId, namespace: query[2]!, metricName: query[1]!, dimensions: {} }];
    });
  });
}

function functionEnvironment(name: string): Record<string, unknown> {
  const fn = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties['Environment']?.Variables?.PAYOUT_FUNCTION === name,
  );
  if (fn === undefined) throw new Error(`no function ${name} in the template`);
  return fn.Properties['Environment'].Variables as Record<string, unknown>;
}

/** Sets the function's Powertools variables from the template, and placeholders for the names it requires. */
function environmentOf(name: string, placeholders: Record<string, string>): void {
  const variables = functionEnvironment(name);
  for (const key of ['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'] as const) {
    const value = variables[key];
    if (typeof value !== 'string') throw new Error(`${name}: ${key} is not a plain string in the template`);
    vi.stubEnv(key, value);
  }
  for (const [key, value] of Object.entries(placeholders)) vi.stubEnv(key, value);
  // Every test run sets POWERTOOLS_DEV, which also switches metrics off; this test is about the metrics, so it
  // turns them back on (the explicit variable takes precedence over dev mode).
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
}

/** The EMF documents written to stdout while `run` runs, as (namespace, name, dimensions). */
async function emittedWhile(run: () => Promise<unknown>): Promise<EmittedMetric[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  // Under POWERTOOLS_DEV (set for every test run, so Lambda output stays out of the results) Powertools writes its
  // EMF lines through the global console rather than straight to stdout: listen to both.
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await run();
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
        };
      };
      return emf._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          metricName: metric.Name,
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((d) => [d, String(emf[d])])),
        })),
      );
    });
}

beforeAll(() => {
  const { template } = synthesizePlatform({ skipBundling: true });
  resources = template.toJSON().Resources as Record<string, Resource>;
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function intakeRejection(): Promise<EmittedMetric[]> {
  environmentOf('intake-webhook', {
    INBOX_TABLE: 'inbox',
    EVIDENCE_BUCKET: 'evidence',
    WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9/queue/webhooks',
    WEBHOOK_SECRETS_FILE: path.join(PROJECT_ROOT, 'config/webhook-secrets.local.json'),
  });
  const { handler } = await import('../../functions/handlers/intake-webhook');
  const event = {
    routeKey: 'POST /webhooks/{provider}',
    rawPath: '/webhooks/nobody',
    pathParameters: { provider: 'nobody' },
    headers: {},
    body: '{}',
    isBase64Encoded: false,
    requestContext: { requestId: 'req-metric-names' },
  } as unknown as APIGatewayProxyEventV2;
  let statusCode: number | undefined;
  const emitted = await emittedWhile(async () => ({ statusCode } = await handler(event)));
  expect(statusCode).toBe(404);
  return emitted;
}

async function reconciliationSuccess(): Promise<EmittedMetric[]> {
  environmentOf('reconcile', {});
  const { handler } = await import('../../functions/handlers/reconcile');
  return emittedWhile(() => handler({ date: '2026-11-24' }));
}

describe('every custom-metric alarm watches a metric a handler emits', () => {
  it('the template has the alarms this test knows how to feed', () => {
    // WebhookRejectedAlarm (a Metrics Insights query) and ReconciliationMissingAlarm (one metric, by service).
    expect(customMetricAlarms()).toHaveLength(2);
  });

  it('each alarm finds its metric among what intake-webhook and reconcile emit, in the namespace and service it watches', async () => {
    const emitted = [...(await intakeRejection()), ...(await reconciliationSuccess())];
    for (const watched of customMetricAlarms()) {
      const feeding = emitted.filter(
        (m) =>
          m.namespace === watched.namespace &&
          m.metricName === watched.metricName &&
          Object.entries(watched.dimensions).every(([name, value]) => m.dimensions[name] === value),
      );
      expect(
        feeding,
        `${watched.alarm} watches ${watched.namespace}/${watched.metricName} ${JSON.stringify(watched.dimensions)}; emitted: ${JSON.stringify(emitted)}`,
      ).not.toEqual([]);
    }
  });
});
