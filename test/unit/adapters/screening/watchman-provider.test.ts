import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WatchmanScreeningProvider } from '../../../../functions/adapters/screening/watchman-provider';
import { ScreeningUnavailableError } from '../../../../functions/domain/compliance/screening-port';

// A tiny stand-in for Watchman's v2 API on loopback: it records each request and answers what the test says.
let server: Server;
let baseUrl: string;
const seen: URL[] = [];
let answer: (url: URL, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const LIST_INFO = {
  lists: { us_ofac: 6 },
  listHashes: { us_ofac: 'a1b2c3d4e5f60718293a' },
  endedAt: '2026-12-01T00:00:00Z',
};
const ENTITY = {
  name: 'ZARKOV, Ivan Petrovich',
  entityType: 'person',
  sourceList: 'us_ofac',
  sourceID: '9001',
  sanctionsInfo: { programs: ['FICTIONAL-A'] },
  match: 0.93,
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    seen.push(url);
    answer(url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  answer = (url, res) =>
    url.pathname === '/v2/listinfo'
      ? json(res, 200, LIST_INFO)
      : json(res, 200, { entities: [ENTITY, { ...ENTITY, sourceID: '9999', match: 0.5 }] });
});

describe('WatchmanScreeningProvider', () => {
  it('asks /v2/search with the name, type, birth date, limit and our threshold, and keeps what reaches it', async () => {
    const provider = new WatchmanScreeningProvider({ baseUrl: `${baseUrl}/`, fetch });
    const result = await provider.screen({ name: 'Ivan Zarkov', kind: 'individual', dateOfBirth: '1968-03-14' });
    const search = seen.find((url) => url.pathname === '/v2/search')!;
    expect(Object.fromEntries(search.searchParams)).toEqual({
      name: 'Ivan Zarkov',
      type: 'person',
      birthDate: '1968-03-14',
      limit: '5',
      minMatch: '0.85',
    });
    expect(result).toEqual({
      provider: 'watchman',
      listVersion: 'watchman:us_ofac=a1b2c3d4e5f6',
      matches: [
        {
          sourceList: 'us_ofac',
          sourceId: '9001',
          matchedName: 'ZARKOV, Ivan Petrovich',
          listedName: 'ZARKOV, Ivan Petrovich',
          programs: ['FICTIONAL-A'],
          nameScore: 0.93,
          score: 0.93,
          adjustments: [],
        },
      ],
    });
  });

  it('screens a business as type=business and is clear on no entities', async () => {
    answer = (url, res) => json(res, 200, url.pathname === '/v2/listinfo' ? LIST_INFO : { entities: null });
    const result = await new WatchmanScreeningProvider({ baseUrl, fetch }).screen({ name: 'Acme', kind: 'business' });
    expect(seen.find((url) => url.pathname === '/v2/search')!.searchParams.get('type')).toBe('business');
    expect(result.matches).toEqual([]);
  });

  it.each<[string, (url: URL, res: ServerResponse) => void]>([
    ['a 500', (_url, res) => json(res, 500, { error: 'boom' })],
    ['a body that is not JSON', (_url, res) => res.writeHead(200).end('<html>')],
    [
      'an unexpected shape',
      (url, res) => json(res, 200, url.pathname === '/v2/listinfo' ? LIST_INFO : { entities: [{}] }),
    ],
    ['no lists loaded', (url, res) => json(res, 200, url.pathname === '/v2/listinfo' ? { listHashes: {} } : {})],
  ])('turns %s into a retryable ScreeningUnavailableError', async (_what, respond) => {
    answer = respond;
    const error = await new WatchmanScreeningProvider({ baseUrl, fetch })
      .screen({ name: 'Ivan Zarkov', kind: 'individual' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScreeningUnavailableError);
    expect((error as ScreeningUnavailableError).category).toBe('retryable');
  });

  it('turns a refused connection into ScreeningUnavailableError', async () => {
    const provider = new WatchmanScreeningProvider({ baseUrl: 'http://127.0.0.1:1', fetch });
    await expect(provider.listVersion()).rejects.toBeInstanceOf(ScreeningUnavailableError);
  });
});
