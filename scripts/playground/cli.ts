import { DEFAULT_BOT_PORT, DEFAULT_PLAYGROUND_PORT, DEFAULT_TAB_HOST_PORT, PlaygroundStack, startPlaygroundStack } from './stack';
import { instructions } from './instructions';

/** `npm run playground`: starts the stack (stack.ts), prints how to use it, stops it on Ctrl+C or when a child exits. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: npm run playground [-- --keep-data] [--verbose]\n' +
        '  --keep-data  keep .playground/soa-bot.db from the last run (default: start empty, like the emulator)\n' +
        "  --verbose    copy the bot's and the playground's output to this terminal\n" +
        'Environment: BOT_PORT (3978), PLAYGROUND_PORT (56150), TAB_HOST_PORT (53000), EMULATOR_PORT (random), LOG_LEVEL for the bot.\n',
    );
    return;
  }
  const port = (name: string, fallback: number) => {
    const raw = process.env[name];
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
    return n;
  };
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let stack: PlaygroundStack;
  try {
    stack = await startPlaygroundStack({
      botPort: port('BOT_PORT', DEFAULT_BOT_PORT),
      playgroundPort: port('PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT),
      emulatorPort: port('EMULATOR_PORT', 0),
      tabHostPort: port('TAB_HOST_PORT', DEFAULT_TAB_HOST_PORT),
      freshDatabase: !args.includes('--keep-data'),
      echoChildOutput: args.includes('--verbose'),
      botEnv: process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {},
      log: say,
    });
  } catch (error) {
    process.stderr.write(`\nThe playground could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  say(instructions(stack));

  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`\n${reason}: stopping the playground, the bot and the Graph emulator...`);
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    await stack.stop();
    say('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl+C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  void stack.childExited.then((why) => shutdown(`${why} (see the logs above)`, 1));
}

if (require.main === module) void main();
