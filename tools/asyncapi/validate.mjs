#!/usr/bin/env node
// Validate an AsyncAPI document with the official parser (@asyncapi/parser, pinned by
// package-lock.json). Usage: node tools/asyncapi/validate.mjs schemas/asyncapi.json
//
// Prints every diagnostic (severity, path, message), errors and warnings alike, then a summary
// line. Exit codes: 0 = valid (warnings/infos/hints allowed), 1 = at least one error-severity
// diagnostic, 2 = usage error or the parser itself failed.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import parserPkg from '@asyncapi/parser';

const PARSER_VERSION = createRequire(import.meta.url)('@asyncapi/parser/package.json').version;

const { Parser, fromFile, DiagnosticSeverity } = parserPkg;
const SEVERITY = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

function formatPath(path) {
  if (!path || path.length === 0) return '/';
  return '/' + path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: node validate.mjs <asyncapi document (json or yaml)>');
    return 2;
  }
  const file = resolve(argv[0]);
  if (!existsSync(file)) {
    console.error(`error: no such file: ${argv[0]}`);
    return 2;
  }
  // fromFile passes the file as `source`, so relative $refs (json/X.schema.json) resolve
  // against the document's directory.
  const { document, diagnostics } = await fromFile(new Parser(), file).parse();
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diagnostics) {
    const sev = SEVERITY[d.severity] ?? `severity-${d.severity}`;
    counts[sev] = (counts[sev] ?? 0) + 1;
    const line = d.range ? d.range.start.line + 1 : undefined;
    const other = d.source && resolve(d.source) !== file;
    const where = other ? ` (in ${d.source}${line ? `:${line}` : ''})` : line ? ` (line ${line})` : '';
    console.log(`${sev}\t${d.code}\t${formatPath(d.path)}\t${d.message}${where}`);
  }
  const ok = counts.error === 0 && document !== undefined;
  console.log(
    `${ok ? 'valid' : 'INVALID'}: ${argv[0]} ` +
      `(asyncapi ${document?.version() ?? '?'}, @asyncapi/parser ${PARSER_VERSION}): ` +
      `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info, ${counts.hint} hint(s)`,
  );
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: the AsyncAPI parser failed: ${err?.stack ?? err}`);
    process.exit(2);
  },
);
