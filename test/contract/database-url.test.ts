import { describeDatabaseLocation, parseDatabaseUrl, redactDatabaseUrl } from '../../src/adapters/storage/database-url';

const cwd = '/srv/soa-bot';
const parse = (value: string | undefined) => parseDatabaseUrl(value, { cwd });

describe('parseDatabaseUrl', () => {
  it('defaults to ./data/soa-bot.db when unset or blank', () => {
    expect(parse(undefined)).toEqual({ kind: 'sqlite', path: '/srv/soa-bot/data/soa-bot.db' });
    expect(parse('  ')).toEqual({ kind: 'sqlite', path: '/srv/soa-bot/data/soa-bot.db' });
  });

  it.each([
    ['sqlite:data/bot.db', '/srv/soa-bot/data/bot.db'],
    ['sqlite:./bot.db', '/srv/soa-bot/bot.db'],
    ['sqlite:/var/lib/soa/bot.db', '/var/lib/soa/bot.db'],
    ['sqlite:///var/lib/soa/bot.db', '/var/lib/soa/bot.db'],
    ['SQLITE:///var/lib/soa/bot.db', '/var/lib/soa/bot.db'],
    ['file:bot.db', '/srv/soa-bot/bot.db'],
    ['file:/var/lib/soa/bot.db', '/var/lib/soa/bot.db'],
    ['file:///var/lib/soa/my%20bot.db', '/var/lib/soa/my bot.db'],
    [':memory:', ':memory:'],
    ['sqlite::memory:', ':memory:'],
  ])('reads %s as SQLite at %s', (value, expected) => {
    expect(parse(value)).toEqual({ kind: 'sqlite', path: expected });
  });

  it.each(['postgres://soa:secret@db.internal:5432/soa', 'postgresql://db.internal/soa?sslmode=require'])('recognises %s as PostgreSQL', (url) => {
    expect(parse(url)).toEqual({ kind: 'postgres', url });
  });

  it.each([
    ['mysql://root:hunter2@db/soa', /"mysql:" URL: unsupported form/],
    ['./data/bot.db', /a value without a scheme: unsupported form/],
    ['sqlite:', /the path is empty/],
    ['sqlite://relative.db', /absolute path/],
    ['file://otherhost/x.db', /"file:" URL/],
    ['postgres://[bad', /malformed/],
  ])('refuses %s with a clear message naming the accepted forms', (value, why) => {
    let error: Error | undefined;
    try {
      parse(value);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(why);
    expect(error?.message).toContain('Accepted forms: unset (SQLite at ./data/soa-bot.db); sqlite:relative/or/absolute/path.db;');
    expect(error?.message).not.toContain('hunter2');
  });

  it('describes a location for logs without the user info or any secret parameter', () => {
    expect(describeDatabaseLocation(parse('postgres://soa:secret@db.internal:5432/soa'))).toBe('postgres://***@db.internal:5432/soa');
    expect(describeDatabaseLocation(parse('sqlite:/var/lib/soa/bot.db'))).toBe('sqlite:/var/lib/soa/bot.db');
    // pg (WHATWG URL) reads the password up to the last '@': all of it is hidden, the host is shown.
    expect(describeDatabaseLocation(parse('postgres://u:p@ss@db.internal/soa'))).toBe('postgres://***@db.internal/soa');
    expect(
      describeDatabaseLocation(parse('postgresql://db.internal/soa?password=pw1&sslpassword=pw2&sslkey=%2Fk.pem&api_token=t&application_name=soa-bot#x')),
    ).toBe('postgresql://db.internal/soa?password=***&sslpassword=***&sslkey=***&api_token=***&application_name=soa-bot');
  });

  it('redacts any DATABASE_URL it cannot parse down to its scheme', () => {
    expect(redactDatabaseUrl('postgres://u:hunter2@[bad/db')).toBe('postgres: (not a valid URL; not shown)');
    expect(redactDatabaseUrl('u:hunter2@db')).not.toContain('hunter2');
    // An '@' the URL parser does not read as the end of the user info (a '/', '?' or '#' after digits only).
    for (const url of ['postgres://u:4711/hunter2@db/x', 'postgres://u:/hunter2@db/x', 'postgres://u:12?hunter2@db/x', 'postgres://u:12#hunter2@db/x']) {
      expect(redactDatabaseUrl(url)).toBe('postgres: (not a valid URL; not shown)');
    }
    expect(redactDatabaseUrl('mysql://u:hunter2@db/x')).toBe('mysql://***@db/x');
    expect(redactDatabaseUrl(':memory:')).toBe(':memory:');
    expect(redactDatabaseUrl('sqlite:./data/soa-bot.db')).toBe('sqlite:./data/soa-bot.db');
  });
});
