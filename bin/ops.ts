// `npm run ops -- <command>`: the ops console's actions from a terminal, against the running twin
// (`npm start`), as an on-call operator (role ops) with a token from the twin's issuer. docs/ops-api.md.
//
//   dlq list [--queue webhook|submission|reconciliation|batch] [--limit N]
//   dlq redrive (--id <messageId> | --all | --provider p --event-type t --error-category c --older-than s) [--queue q] [--dry-run]
//   replay (--event-id sandbox#evt_1[,sandbox#evt_2] | --from ISO --to ISO [--provider p]) [--dry-run]
//   exceptions list [--state s] [--category c] [--owner o] [--limit N]
//   exceptions assign <exceptionId> [--assignee a] [--owner o] [--note n]
//   exceptions resolve <exceptionId> --note "…"
//   any command: [--state-dir DIR] to reach a twin started with another state directory (tests)
import { parseArgs } from '../local/cli/cli-args.js';
import { STATE_DIR_DEFAULT } from '../local/paths.js';
import { findRunningTwin } from '../local/cli/running-twin.js';
import { requestTwinToken } from '../local/cli/twin-tokens.js';

const USAGE = `usage: npm run ops -- dlq list | dlq redrive (--id ID | --all | --provider P --event-type T --error-category C --older-than S) [--dry-run]
                    | replay (--event-id P#ID[,P#ID…] | --from ISO --to ISO) [--dry-run]
                    | exceptions list [--state S --category C --owner O] | exceptions assign ID [--assignee A] | exceptions resolve ID --note N`;
/** The on-call operator's token (access matrix row `operator-ops`), short-lived. */
const OPERATOR = { operator: 'ops-cli', role: 'ops' } as const;
const TOKEN_TTL_SECONDS = 300;

class UsageError extends Error {}

type Flags = Record<string, string | true>;

function str(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

function request(
  positional: string[],
  flags: Flags,
): { method: string; path: string; body?: unknown; query?: Record<string, string> } {
  const [area, action, id] = positional;
  const dryRun = flags['dry-run'] === true ? { dry_run: true } : {};
  const queue = str(flags, 'queue');
  if (area === 'dlq' && action === 'list')
    return {
      method: 'GET',
      path: '/ops/dlq',
      query: { ...(queue ? { queue } : {}), ...(str(flags, 'limit') ? { limit: str(flags, 'limit')! } : {}) },
    };
  if (area === 'dlq' && action === 'redrive') {
    const base = { ...(queue ? { queue } : {}), ...dryRun };
    if (str(flags, 'id'))
      return { method: 'POST', path: '/ops/dlq/redrive', body: { ...base, message_id: str(flags, 'id') } };
    if (flags['all'] === true) return { method: 'POST', path: '/ops/dlq/redrive', body: { ...base, all: true } };
    const filter = {
      ...(str(flags, 'provider') ? { provider: str(flags, 'provider') } : {}),
      ...(str(flags, 'event-type') ? { event_type: str(flags, 'event-type') } : {}),
      ...(str(flags, 'error-category') ? { error_category: str(flags, 'error-category') } : {}),
      ...(str(flags, 'older-than') ? { older_than_seconds: Number(str(flags, 'older-than')) } : {}),
    };
    if (Object.keys(filter).length === 0) throw new UsageError('dlq redrive needs --id, --all or a filter');
    return { method: 'POST', path: '/ops/dlq/redrive', body: { ...base, filter } };
  }
  if (area === 'replay') {
    const provider = str(flags, 'provider');
    const ids = str(flags, 'event-id');
    if (ids)
      return {
        method: 'POST',
        path: '/ops/replay',
        body: {
          ...dryRun,
          ...(provider ? { provider } : {}),
          event_ids: ids
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        },
      };
    if (str(flags, 'from') && str(flags, 'to'))
      return {
        method: 'POST',
        path: '/ops/replay',
        body: { ...dryRun, ...(provider ? { provider } : {}), from: str(flags, 'from'), to: str(flags, 'to') },
      };
    throw new UsageError('replay needs --event-id or --from and --to');
  }
  if (area === 'exceptions' && action === 'list') {
    const query: Record<string, string> = {};
    for (const name of ['state', 'category', 'owner', 'limit', 'cursor'])
      if (str(flags, name)) query[name] = str(flags, name)!;
    return { method: 'GET', path: '/exceptions', query };
  }
  if (area === 'exceptions' && (action === 'assign' || action === 'resolve')) {
    if (!id) throw new UsageError(`exceptions ${action} needs an exception id`);
    const body: Record<string, string> = {};
    for (const name of ['assignee', 'owner', 'note']) if (str(flags, name)) body[name] = str(flags, name)!;
    if (action === 'resolve' && body['note'] === undefined) throw new UsageError('exceptions resolve needs --note');
    return { method: 'POST', path: `/exceptions/${encodeURIComponent(id)}/${action}`, body };
  }
  throw new UsageError(USAGE);
}

async function main(): Promise<number> {
  const { flags, positional } = parseArgs(process.argv.slice(2));
  const req = request(positional, flags);
  const stateDir = str(flags, 'state-dir') ?? STATE_DIR_DEFAULT;
  const twin = findRunningTwin(stateDir);
  if (twin === undefined) throw new Error('no running twin: start one with `npm start` first');
  const token = await requestTwinToken(twin.url, { ...OPERATOR, ttlSeconds: TOKEN_TTL_SECONDS });
  const url = new URL(req.path, twin.url);
  for (const [name, value] of Object.entries(req.query ?? {})) url.searchParams.set(name, value);
  const res = await fetch(url, {
    method: req.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
  });
  const text = await res.text();
  let printed = text;
  try {
    printed = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: print as received
  }
  console.log(printed);
  console.error(`${req.method} ${req.path} → ${res.status} (Request-Id ${res.headers.get('request-id') ?? '-'})`);
  return res.ok ? 0 : 1;
}

main().then(
  // Exit once stdout is flushed: a pipe's writes are asynchronous and a large answer was cut short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
