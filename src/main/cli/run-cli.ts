import { parseArgs } from 'node:util';
import { COMMANDS, type Command } from './command-table.js';
import { CliUsageError } from './operator-api.js';

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'usage: invoicehub <command> [options]        (invoicehub <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Configuration comes from the environment (README, "Configuration": PORT, DATA_DIR, DATABASE_URL, ...).',
  ].join('\n');
}

export function commandUsage(c: Command): string {
  const flags = Object.entries(c.flags).map(([name, f]) => `  --${name.padEnd(14)}${f.help}`);
  return [
    `usage: invoicehub ${c.name} ${c.args}`.trimEnd(),
    '',
    c.summary,
    ...(flags.length ? ['', ...flags] : []),
  ].join('\n');
}

function find(argv: string[]): { command: Command; rest: string[] } | undefined {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one && { command: one, rest: argv.slice(1) };
}

/**
 * The command line: the command, then only the flags it understands. Anything else (an unknown
 * command or flag, a stray argument) is refused with exit 2 and the usage; errors of a command are
 * one line on stderr and exit 1.
 */
export async function runCli(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = find(argv);
  if (!found) {
    console.error(
      `invoicehub: unknown command "${argv.slice(0, argv[0] === 'seller' ? 2 : 1).join(' ')}"\n\n${usage()}`,
    );
    return 2;
  }
  const { command, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: command.positionals ?? false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.entries(command.flags).map(([k, f]) => [k, f.option])),
      },
    });
  } catch (err) {
    console.error(`invoicehub ${command.name}: ${(err as Error).message}\n\n${commandUsage(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(commandUsage(command));
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof CliUsageError) {
      console.error(`invoicehub ${command.name}: ${err.message}\n\n${commandUsage(command)}`);
      return 2;
    }
    throw err;
  }
}
