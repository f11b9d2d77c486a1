/**
 * A bin's manual page, as markdown in ronn's layout (`# name(1) -- what it does`, then sections),
 * made from what is written once elsewhere: the synopsis, the options and the --help epilogue
 * from the bin's CliSpec, the description from its section of README.md. scripts/man.mjs turns it
 * into roff with marked-man.
 */
import type { Options } from 'yargs';
import type { CliSpec } from './index.js';
import type { CompletionKind } from './completion.js';

export interface ManOptions {
  /** manual section (default 1) */
  section?: number;
  /** markdown of the DESCRIPTION: the bin's README section(s), readmeSection() */
  description: string;
  /** other pages and documents, for SEE ALSO */
  seeAlso?: string[];
}

/**
 * The part of a README between `<!-- section: NAME -->` and the next such marker (or the end),
 * without its first heading; `until`: stop at the first heading with this text too.
 */
export function readmeSection(readme: string, name: string, until?: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === `<!-- section: ${name} -->`);
  if (start < 0) throw new Error(`README has no section '${name}'`);
  let end = lines.findIndex((l, i) => i > start && /^<!-- section: .* -->$/.test(l.trim()));
  if (end < 0) end = lines.length;
  if (until !== undefined) {
    const u = lines.findIndex((l, i) => i > start && i < end && /^#+ /.test(l) && l.replace(/^#+ /, '').trim() === until);
    if (u >= 0) end = u;
  }
  let body = lines.slice(start + 1, end);
  const heading = body.findIndex((l) => /^#+ /.test(l));
  if (heading >= 0 && body.slice(0, heading).every((l) => !l.trim())) body = body.slice(heading + 1);
  return body.join('\n').trim();
}

/** The bin's page as markdown. */
export function manMarkdown(spec: CliSpec, o: ManOptions): string {
  const [usage, ...about] = spec.usage.split('\n\n');
  const synopsis = usage!
    .split('\n')
    .map((l) => l.replace(/^Usage:\s*/, '').trim())
    .filter(Boolean);
  const summary = about.join(' ').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const out: string[] = [];
  out.push(`# ${spec.name}(${o.section ?? 1}) -- ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`, '');
  out.push('## SYNOPSIS', '', '```', ...synopsis, '```', '');
  out.push('## DESCRIPTION', '', forMan(withoutSynopsis(o.description, spec.name)), '');
  out.push('## OPTIONS', '');
  for (const [key, opt] of Object.entries(spec.options)) out.push(...optionItem(key, opt, spec.complete?.values?.[key]));
  out.push(...optionItem('completion', { type: 'string', describe: 'print a shell completion script for SHELL: bash, zsh or fish (default: from $SHELL). bash: eval "$(' + spec.name + ' --completion bash)" in ~/.bashrc' }));
  out.push(...optionItem('h', { alias: 'help', type: 'boolean', describe: 'show the options and examples' }));
  out.push(...optionItem('version', { type: 'boolean', describe: 'show the version' }));
  if (spec.epilogue.trim()) out.push('## EXAMPLES AND NOTES', '', 'As `--help` ends:', '', '```', ...spec.epilogue.trimEnd().split('\n'), '```', '');
  if (o.seeAlso?.length) out.push('## SEE ALSO', '', o.seeAlso.join(', '), '');
  return out.join('\n');
}

/** One option as a list item: its flags, its value, what it does, its default. */
function optionItem(key: string, o: Options, kind?: CompletionKind): string[] {
  const names = [key, ...([] as string[]).concat((o.alias as string | string[] | undefined) ?? [])];
  const takesValue = o.type !== 'boolean' && o.type !== 'count';
  // a boolean that is on by default is given as --no-KEY (as yargs negates it)
  const negated = o.type === 'boolean' && o.default === true;
  const flags = names
    .sort((a, b) => a.length - b.length)
    .map((n) => `\`${negated ? '--no-' : n.length === 1 ? '-' : '--'}${n}\``)
    .join(', ');
  const describe = String(o.describe ?? o.description ?? '').replace(/^--no-[\w-]+:\s*/, '');
  const value = takesValue ? ` *${metavar(key, o, describe, kind)}*` : '';
  const facts: string[] = [];
  if (o.choices) facts.push(`one of ${(o.choices as unknown[]).map((c) => `\`${String(c)}\``).join(', ')}`);
  if (takesValue && o.default !== undefined) facts.push(`default ${String(o.default)}`);
  if (o.array && !/repeatable/.test(describe)) facts.push('repeatable');
  if (o.type === 'count' && !describe.includes(`-${key}${key}`)) facts.push(`repeat for more: -${key}${key}`);
  const tail = facts.length ? ` (${facts.join('; ')})` : '';
  return [`* ${flags}${value}:`, `  ${escapeText(describe)}${tail}`, ''];
}

/**
 * What a value is called: by what completion offers for it (EXPR for syscalls, FILE, PID), else
 * the first capitalised word of the description (FILE, DUR, N), else by type.
 */
function metavar(key: string, o: Options, describe: string, kind?: CompletionKind): string {
  if (kind === 'syscalls') return 'EXPR';
  if (kind === 'pid') return 'PID';
  const m = /\b([A-Z][A-Z_]+|N)\b/.exec(describe);
  if (m && !['NDJSON', 'JSON', 'ASLR', 'CPU', 'README', 'UTF', 'MiB', 'TID'].includes(m[1]!)) return m[1]!;
  if (kind === 'file' || kind === 'trace') return 'FILE';
  if (o.choices) return (o.choices as unknown[]).map(String).join('|');
  if (o.type === 'number') return 'N';
  return key === 'completion' ? 'SHELL' : 'VALUE';
}

/** Markdown special characters of plain text (the descriptions hold `*`, `_`, `<`). */
function escapeText(s: string): string {
  return s.replace(/([\\*_<>[\]`])/g, '\\$1');
}

/** The description without a first block that only repeats the synopsis (README sections start with one). */
function withoutSynopsis(md: string, name: string): string {
  const m = /^```\w*\n([\s\S]*?)\n```\n*/.exec(md);
  if (m && m[1]!.split('\n').every((l) => l.trim().startsWith(name))) return md.slice(m[0].length);
  return md;
}

/**
 * README markdown made fit for a manual page: links to files of the repository become their
 * text (a man page cannot follow them), web links stay; the README's table of flags is left out,
 * the OPTIONS being the spec's (the flags are written once, in the spec; the README's table says
 * the same at more length).
 */
function forMan(md: string): string {
  const lines = md
    .replace(/\[([^\]]+)\]\((?!https?:)[^)]+\)/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\|\s*(option|flag)\s*\|/i.test(lines[i]!) && /^\|\s*-+/.test(lines[i + 1] ?? '')) {
      while (i + 1 < lines.length && lines[i + 1]!.startsWith('|')) i++;
      out.push('The options are under OPTIONS below.');
      continue;
    }
    out.push(lines[i]!);
  }
  return out.join('\n');
}
