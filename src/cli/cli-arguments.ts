/** A command line that cannot be run as given. Its message says what to change. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** The options a command takes: those that take a value, and switches. */
export interface CommandOptions {
  readonly values: readonly string[];
  readonly switches: readonly string[];
}

/** A command line, split into positionals and options. */
export interface CliArguments {
  /** Words that are not options, in order. */
  readonly positionals: readonly string[];
  /** Each value option given, with every value in order (options may repeat). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Switches given. */
  readonly switches: ReadonlySet<string>;
}

const SHORT_NAMES: Readonly<Record<string, string>> = { H: 'header', h: 'help' };

/**
 * Parses `argv` as `--name value`, `--name=value`, `-H value`, `-Hvalue` and
 * `--switch`; `--` ends the options. Throws {@link CliUsageError} on an
 * option the command does not take or a value that is missing.
 */
export function parseArguments(argv: readonly string[], options: CommandOptions): CliArguments {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      inline = equals === -1 ? undefined : arg.slice(equals + 1);
    } else if (arg.startsWith('-') && arg.length > 1) {
      name = SHORT_NAMES[arg[1]!] ?? arg.slice(1);
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    } else {
      positionals.push(arg);
      continue;
    }

    if (options.switches.includes(name)) {
      if (inline !== undefined) throw new CliUsageError(`--${name} takes no value.`);
      switches.add(name);
    } else if (options.values.includes(name)) {
      const value = inline ?? argv[++index];
      if (value === undefined) throw new CliUsageError(`--${name} needs a value.`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      throw new CliUsageError(`Unknown option ${arg.split('=')[0]}.`);
    }
  }
  return { positionals, values, switches };
}

/** The one value of an option, or `undefined`; an option given twice is an error. */
export function singleValue(args: CliArguments, name: string): string | undefined {
  const given = args.values.get(name);
  if (given !== undefined && given.length > 1) throw new CliUsageError(`--${name} is given more than once.`);
  return given?.[0];
}
