import { parseArgs } from 'node:util';
import { COMMANDS, ConfigError } from './commands.js';

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(14)} ${cmd.summary}`);
  return `Wharf container registry\n\nUsage: wharf <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'wharf <command> --help' for details.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`wharf: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const parsed = parseArgs({
    args: rest,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, ...command.options },
    allowPositionals: true,
  });
  const values = parsed.values as Record<string, string | boolean | Array<string | boolean> | undefined>;
  if (values.help) {
    console.log(`Usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  return command.run({ config: values.config as string | undefined, positional: parsed.positionals, values });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`wharf: ${err.message}`);
    else if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`wharf: ${err.message}`);
    } else console.error(err);
    process.exitCode = 1;
  },
);
