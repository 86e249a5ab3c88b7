// The command line of the project's tools (bench/ and scripts/): each declares what it takes; --help prints that,
// and anything it does not take (an unknown flag, a flag without its value, an argument too many or too few) stops
// it with a message before it does any work, so a mistyped flag never becomes a file name or a setting.

/**
 * Reads `argv` as `spec` declares it: `usage` (what follows the command), `about` (what the tool does), `flags`
 * { '--quick': 'what it does' }, `options` { '--d': ['N', 'what it does'] } (each takes a value) and `args`
 * [['OUT', 'what it is'], ['[seed]', 'what it is']] (a name in brackets may be left out). Returns { help: true }, or
 * { error } (what is wrong), or { flags: Set of the flags given, options: { '--d': '32' }, args: [...] }.
 */
export function parseCommandLine(spec, argv) {
  const { flags = {}, options = {}, args = [] } = spec;
  const given = new Set();
  const values = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (Object.hasOwn(flags, arg)) given.add(arg);
    else if (Object.hasOwn(options, arg)) {
      if (i + 1 >= argv.length) return { error: `${arg} needs a value (${options[arg][0]})` };
      values[arg] = argv[++i];
    } else if (arg.startsWith('-')) return { error: `unknown flag ${arg}` };
    else positional.push(arg);
  }
  const required = args.filter(([name]) => !name.startsWith('[')).length;
  if (positional.length < required) return { error: `${args[positional.length][0]} is missing` };
  if (positional.length > args.length) return { error: `${positional[args.length]}: one argument too many` };
  return { flags: given, options: values, args: positional };
}

/** The help text of a tool run as `name` (e.g. "node bench/gpt.mjs"). */
export function helpText(name, spec) {
  const rows = [
    ...(spec.args ?? []).map(([arg, what]) => [arg, what]),
    ...Object.entries(spec.flags ?? {}).map(([flag, what]) => [flag, what]),
    ...Object.entries(spec.options ?? {}).map(([option, [value, what]]) => [`${option} ${value}`, what]),
    ['--help', 'print this and stop'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`usage: ${name} ${spec.usage}`.trimEnd(), '', spec.about, '',
    ...rows.map(([left, what]) => `  ${left.padEnd(width)}  ${what}`)].join('\n');
}

/**
 * The command line of the tool run as `name`, read by `spec` (parseCommandLine's): --help prints the help and exits
 * 0; a mistake prints what is wrong and the usage, and exits 2.
 */
export function readArgs(name, spec, argv = process.argv.slice(2)) {
  const read = parseCommandLine(spec, argv);
  if (read.help) {
    console.log(helpText(name, spec));
    process.exit(0);
  }
  if (read.error) refuse(name, spec, read.error);
  return read;
}

/** Stops the tool run as `name` over a `problem` with its arguments: says what is wrong and the usage; exit code 2. */
export function refuse(name, spec, problem) {
  console.error(`${name}: ${problem}\nusage: ${name} ${spec.usage}\n(${name} --help says more)`);
  process.exit(2);
}

/** The command line of scripts/dist.mjs, which scripts/single.mjs (imported by it, or run alone) reads too. */
export const DIST_SPEC = {
  usage: '[DIR]',
  about: 'Writes the page as a static site for any host and any sub-path, and the page as one file '
    + '(gpt1-playground.html). Run after scripts/build.sh.',
  args: [['[DIR]', 'where to write it (default dist/)']],
};
