#!/usr/bin/env node
// Issue 19: a manual page for each bin, packages/<pkg>/dist/man/<bin>.1 (the "man" field of its
// package.json, so `npm link --workspaces` or a global install puts it where man(1) finds it).
// Made after `tsc -b` from what is written once elsewhere: the synopsis, the options and the
// --help epilogue from the bin's SPEC (its dist/cli*.js), the description from its section of
// README.md (`<!-- section: NAME -->`). @rift/cli's manMarkdown() lays the page out as markdown
// (ronn's layout) and marked-man turns it into roff.
// Usage: node scripts/man.mjs [--out DIR]   (DIR: all pages in one directory instead)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked } from 'marked';
import markedMan from 'marked-man';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 ? args[outAt + 1] : undefined;

/** Each bin: its package, the module with its SPEC, the README sections of its page. */
const PAGES = [
  { name: 'rift-record', pkg: 'rift-record', entry: 'dist/cli.js', sections: [['rift-record'], ['interception', 'The TypeScript API'], ['everyday']] },
  { name: 'rift-trace', pkg: 'rift-trace', entry: 'dist/cli-trace.js', sections: [['rift-trace']] },
  { name: 'rift-filter', pkg: 'rift-trace', entry: 'dist/cli-filter.js', sections: [['rift-filter']] },
  { name: 'rift-replay', pkg: 'rift-replay', entry: 'dist/cli.js', sections: [['rift-replay']] },
  { name: 'rift-diff', pkg: 'rift-diff', entry: 'dist/cli.js', sections: [['rift-diff']] },
];

const { manMarkdown, readmeSection } = await import(pathToFileURL(join(ROOT, 'packages', 'rift-cli', 'dist', 'index.js')).href);
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const version = JSON.parse(readFileSync(join(ROOT, 'packages', 'rift-cli', 'package.json'), 'utf8')).version;

for (const page of PAGES) {
  const { SPEC } = await import(pathToFileURL(join(ROOT, 'packages', page.pkg, page.entry)).href);
  const description = page.sections
    .map(([name, until]) => {
      const text = readmeSection(readme, name, until);
      // a section other than the bin's own comes under its README heading
      return name === page.name ? text : `## ${sectionTitle(name)}\n\n${text}`;
    })
    .join('\n\n');
  const others = PAGES.filter((p) => p.name !== page.name).map((p) => `${p.name}(1)`);
  const md = manMarkdown(SPEC, { description, seeAlso: [...others, 'strace(1)', 'jq(1)', 'README.md of rift (the event format, everyday use)'] });
  const marked = new Marked(markedMan);
  // breaks: false: README paragraphs are wrapped by hand; man wraps them again
  let roff = marked.parse(md, { breaks: false, manVersion: `rift ${version}`, manual: 'rift manual' });
  // What marked-man leaves to do: a table followed by a display needs a blank line (else tbl's
  // box and the display overlap), and so does a paragraph; the quotes marked escapes in code spans as HTML entities;
  // ragged right, as most manual pages are (justified text in narrow table cells warns).
  roff = roff
    .replace(/^\.TE\n(?!\.P|\.SH|\.SS)/gm, '.TE\n.sp\n')
    .replace(/^(?!\.SH|\.SS|\.P|\.sp|\.TE)(.*)\n\.RS 2\n\.nf$/gm, '$1\n.sp\n.RS 2\n.nf')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/^(\.TH .*\n)/m, '$1.ad l\n');
  const file = outDir ? join(outDir, `${page.name}.1`) : join(ROOT, 'packages', page.pkg, 'dist', 'man', `${page.name}.1`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, roff);
  if (!outDir) console.log(`man: ${file.slice(ROOT.length + 1)}`);
}

/** The heading of a README section by its marker name. */
function sectionTitle(name) {
  const lines = readme.split('\n');
  const at = lines.findIndex((l) => l.trim() === `<!-- section: ${name} -->`);
  const heading = lines.slice(at + 1).find((l) => /^#+ /.test(l));
  return heading ? heading.replace(/^#+ /, '').toUpperCase() : name.toUpperCase();
}
