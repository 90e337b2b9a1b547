import * as https from 'node:https';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Context } from '@microsoft/microsoft-graph-client';
import { NodeHttpHandler } from '../../../src/adapters/graph/node-http-handler';
import { defaultTls } from '../../../emulator/tls-defaults';

// The Graph client's last middleware against a local HTTPS server (the test CA is trusted by the test run).
let server: https.Server;
let base: string;
const connections: number[] = [];
let requests: { method: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = https.createServer(defaultTls(), (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body });
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(JSON.stringify({ ok: 'gzip' })));
      }
      if (req.url === '/no-content') {
        res.writeHead(204, { 'request-id': 'r-204' });
        return res.end();
      }
      if (req.url === '/slow') return setTimeout(() => res.end('{}'), 2_000);
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        return setTimeout(() => res.socket?.destroy(), 20);
      }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'r-1' });
        res.end(JSON.stringify({ echo: body }));
      }, 5);
    });
  });
  server.on('secureConnection', () => connections.push(Date.now()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = [];
  connections.length = 0;
});

async function send(handler: NodeHttpHandler, path: string, options: Context['options'] = {}): Promise<Response> {
  const context: Context = { request: `${base}${path}`, options };
  await handler.execute(context);
  return context.response as Response;
}

describe('NodeHttpHandler', () => {
  it('sends method, headers and body, and hands back a standard Response', async () => {
    const handler = new NodeHttpHandler();
    const response = await send(handler, '/users', {
      method: 'PATCH',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: '{"isCloudManaged":true}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toBe('r-1');
    expect(await response.json()).toEqual({ echo: '{"isCloudManaged":true}' });
    expect(requests[0]).toMatchObject({ method: 'PATCH', headers: { authorization: 'Bearer t', 'content-length': '23' } });
    const empty = await send(handler, '/no-content');
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    handler.destroy();
  });

  it('its Response reads like the standard one: once, or through clone(), body stream, arrayBuffer and blob', async () => {
    const handler = new NodeHttpHandler();
    const response = await send(handler, '/users', { method: 'POST', body: 'x' });
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(false);
    const copy = response.clone();
    expect(await response.text()).toBe('{"echo":"x"}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(Buffer.from(await copy.arrayBuffer()).toString()).toBe('{"echo":"x"}');
    const streamed = await send(handler, '/users', { method: 'POST', body: 'y' });
    expect(await new Response(streamed.body).json()).toEqual({ echo: 'y' });
    await expect(streamed.json()).rejects.toThrow(TypeError);
    const blob = await (await send(handler, '/users', { method: 'POST', body: 'z' })).blob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe('{"echo":"z"}');
    handler.destroy();
  });

  it('a burst of 100 concurrent calls shares at most maxSockets connections, kept for the next burst', async () => {
    const handler = new NodeHttpHandler({ maxSockets: 8 });
    const burst = () => Promise.all(Array.from({ length: 100 }, (_, i) => send(handler, `/users/${i}`).then((r) => r.json())));
    expect(await burst()).toHaveLength(100);
    expect(connections.length).toBeLessThanOrEqual(8);
    const opened = connections.length;
    await burst();
    expect(connections.length).toBe(opened);
    handler.destroy();
  });

  it('undoes a compression a proxy added', async () => {
    const handler = new NodeHttpHandler();
    expect(await (await send(handler, '/gzip')).json()).toEqual({ ok: 'gzip' });
    handler.destroy();
  });

  it('gives up when the per-attempt signal fires, and when the body is cut short', async () => {
    const handler = new NodeHttpHandler();
    const started = Date.now();
    await expect(send(handler, '/slow', { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect(send(handler, '/cut')).rejects.toMatchObject({ code: 'ECONNRESET' }); // the partial body is not handed on as a response
    handler.destroy();
  });
});
