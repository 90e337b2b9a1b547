import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createGzip } from 'node:zlib';
import { startGraphEmulator } from '../../../emulator';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { botEnvFor } from '../../support/bot-env';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { messageActivity } from '../../support/teams-activities';

/**
 * Bodies reach the bot before authentication, so the HTTP layer alone must bound them: JSON only,
 * never compressed, a hard byte cap enforced while reading, nothing written to disk.
 */
describe('request bodies are bounded before anything parses them', () => {
  let h: BotHarness;
  let port: number;
  const MAX_BODY_BYTES = 262_144;

  beforeAll(async () => {
    h = await startBotHarness({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
    port = Number(new URL(h.messagesUrl).port);
  });
  afterAll(() => h?.stop());

  /** One request with exactly these headers and body; resolves with the status and the answer's text. */
  function post(urlPath: string, headers: Record<string, string>, body: Buffer | string, method = 'POST'): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: urlPath, method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The highest resident set size seen while `work` runs, minus the one before it. */
  async function rssGrowth(work: () => Promise<unknown>): Promise<number> {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      await work();
      // Real time is the measure here: memory is sampled over a short window after the answer, since no
      // event would mark the end of an inflation that went on after it.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      clearInterval(timer);
    }
    return Math.max(peak, process.memoryUsage().rss) - before;
  }

  it('refuses a gzip body with 415 without inflating it (a 100 KB body of 100 MB)', async () => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (c: Buffer) => parts.push(c));
    const ended = new Promise((resolve) => gzip.on('end', resolve));
    const filler = Buffer.alloc(1024 * 1024, 'a');
    gzip.write('{"type":"message","text":"');
    for (let i = 0; i < 100; i++) if (!gzip.write(filler)) await new Promise((resolve) => gzip.once('drain', resolve));
    gzip.end('"}');
    await ended;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);

    let answer: { status: number; text: string } | undefined;
    const growth = await rssGrowth(async () => {
      answer = await post('/api/messages', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb);
    });
    expect(answer!.status).toBe(415);
    expect(growth).toBeLessThan(48 * 1024 * 1024);
  });

  it('refuses any other Content-Encoding and any type but JSON with 415', async () => {
    const activity = JSON.stringify(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation: { kind: 'personal', id: 'a:bodies-1' } }),
    );
    expect((await post('/api/messages', { 'content-type': 'application/json', 'content-encoding': 'identity' }, activity)).status).toBe(415);
    expect((await post('/api/messages', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, activity)).status).toBe(415);
    expect((await post('/api/messages', { 'content-type': 'text/plain' }, activity)).status).toBe(415);
    expect((await post('/api/messages', { 'content-type': 'application/x-www-form-urlencoded' }, 'type=message')).status).toBe(415);
    expect((await post('/api/messages', { 'content-type': 'application/json; charset=latin1' }, activity)).status).toBe(415);
    expect((await post('/api/messages', {}, activity)).status).toBe(415);
    expect(await h.app.deps.conversations.get('a:bodies-1')).toBeNull();
  });

  it('takes application/json with a UTF-8 charset, and answers 400 to a body that is not JSON', async () => {
    const conversation = { kind: 'personal' as const, id: 'a:bodies-2' };
    const activity = JSON.stringify(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation }));
    expect((await post('/api/messages', { 'content-type': 'application/json; charset=utf-8' }, activity)).status).toBe(200);
    expect(await h.app.deps.conversations.get('a:bodies-2')).not.toBeNull();
    expect((await post('/api/messages', { 'content-type': 'application/json' }, '{"type":"message",')).status).toBe(400);
    expect((await post('/api/messages', { 'content-type': 'application/json' }, '')).status).toBe(400);
  });

  it('answers 413 to a declared oversize body at once, without waiting for (or reading) it', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{"type":"message","text":"`,
    );
    // Only a few bytes of the 50 MB ever come: the answer must not wait for the rest.
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([closed.then(() => true), new Promise((resolve) => (timer = setTimeout(() => resolve(false), 3000)))]);
    clearTimeout(timer);
    socket.destroy();
    expect(answered).toBe(true);
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers 413 to a streamed (chunked) body as soon as it passes the cap, and stops reading it', async () => {
    const limit = 32 * 1024 * 1024;
    const result = await new Promise<{ status: number; writtenBeforeAnswer: number }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      let written = 0;
      let answered: { status: number; writtenBeforeAnswer: number } | null = null;
      let failed = false;
      req.on('response', (res) => {
        answered = { status: res.statusCode ?? 0, writtenBeforeAnswer: written };
        res.resume();
        req.destroy();
        resolve(answered);
      });
      req.on('error', (error) => {
        failed = true;
        // The server closes the connection after its answer; writes after that fail, as they should.
        if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 500);
      });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = async () => {
        req.write('{"type":"message","text":"');
        while (!answered && !failed && written < limit) {
          written += chunk.length;
          if (!req.write(chunk)) {
            await new Promise<void>((ok) => {
              const done = () => {
                clearTimeout(timer);
                req.off('drain', done);
                req.off('close', done);
                ok();
              };
              const timer = setTimeout(done, 200);
              req.once('drain', done);
              req.once('close', done);
            });
          }
        }
        if (!answered && !failed) req.end('"}');
      };
      void pump();
    });
    expect(result.status).toBe(413);
    // The answer came while the client was still sending, long before the 32 MB it would have sent.
    expect(result.writtenBeforeAnswer).toBeLessThan(8 * 1024 * 1024);
  });

  it('takes no body on the other routes', async () => {
    expect((await post('/healthz', { 'content-type': 'application/json' }, '{"a":1}', 'GET')).status).toBe(413);
    expect((await post('/readyz', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--\r\n', 'GET')).status).toBe(413);
    expect((await post('/healthz', {}, '', 'GET')).status).toBe(200);
  });
});

/**
 * The built bot as its own process with its own temp folder: restify's multipart parser wrote uploads
 * there (formidable) before anything looked at them, and never removed them.
 */
describe('multipart bodies never reach the disk', () => {
  let emulator: Awaited<ReturnType<typeof startGraphEmulator>>;
  let bot: BotProcess;
  let work: string;
  let tmp: string;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: demoTenant() });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-bot-bodies-'));
    tmp = path.join(work, 'tmp');
    fs.mkdirSync(tmp);
    bot = await startBotProcess(botEnvFor(emulator, { TMPDIR: tmp, DATABASE_URL: `sqlite:${path.join(work, 'bot.db')}` }));
  });
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await emulator?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('refuses multipart/form-data with 415 and writes no file to the temp folder', async () => {
    const boundary = '----soa-bot-test-boundary';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nmessage\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(50_000)}\r\n`,
      `--${boundary}--\r\n`,
    ].join('');
    const answer = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(answer.status).toBe(415);
    // The 415 is decided from the Content-Type before any byte of the body is read (read-json-body.ts),
    // and no parser runs after it: when the answer is here, nothing is left that could write a file.
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
