// Free loopback ports. Several engineers run tests on one machine at once, so nothing binds a fixed
// port except `npm start` itself (PORT, default 3000).
import { createServer } from 'node:net';
import { PortInUseError } from '../errors.js';

export const LOOPBACK_HOST = '127.0.0.1';

/** Asks the OS for a free port. Another process may take it before we bind, so callers retry. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Fails with PortInUseError when `port` cannot be bound on loopback. */
export function assertPortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolveFree, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, error) : error),
    );
    server.listen(port, LOOPBACK_HOST, () => server.close(() => resolveFree()));
  });
}
