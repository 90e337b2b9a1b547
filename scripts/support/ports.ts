import * as net from 'node:net';

/** Free-port probing shared by the playground, the tests and the bench. */

export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(
      `Port ${port} (${what}) is already in use. Stop whatever listens there (e.g. \`ss -ltnp 'sport = :${port}'\` shows it) or choose another port (npm run playground reads BOT_PORT and PLAYGROUND_PORT).`,
    );
    this.name = 'PortBusyError';
  }
}

function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when nothing listens on the port, on IPv4 loopback nor on the wildcard addresses. */
export async function isPortFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::']) {
    if (!(await canListen(port, host))) return false;
  }
  return true;
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortBusyError(port, what);
}

/** Ports freePort() handed out in this process: the OS may offer a port again once it is closed. */
const handedOut = new Set<number>();

function portTheOsOffers(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port that is free right now (the OS picks it), and not one this process was given before. Someone
 * else may still take it before the caller binds it: callers that can, retry on EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await portTheOsOffers();
    if (!handedOut.has(port) && (await isPortFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}
