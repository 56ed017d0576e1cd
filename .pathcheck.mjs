import ts from 'typescript';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
const files = [];
const walk = (d) => { for (const n of readdirSync(d)) { if (n === 'node_modules' || n === 'generated' || n === 'fixtures') continue; const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (/\.(ts|mjs|cjs)$/.test(p)) files.push(p); } };
for (const d of ['functions', 'lib', 'local', 'bin', 'drills', 'test', 'console']) walk(d);
const allFiles = [];
const walkAll = (d) => { for (const n of readdirSync(d)) { if (['node_modules','.git','cdk.out','.local'].includes(n)) continue; const p = join(d, n); if (statSync(p).isDirectory()) walkAll(p); else allFiles.push(p); } };
walkAll('.');
const re = /([A-Za-z0-9_.\-]+\/)*[A-Za-z0-9_\-]+\.(ts|md|json|cjs|mjs|yaml|yml|csv|html|css)\b/g;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  let kind;
  while ((kind = scanner.scan()) !== ts.SyntaxKind.EndOfFileToken) {
    if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const c = scanner.getTokenText();
    for (const m of c.matchAll(re)) {
      const p = m[0];
      if (p.startsWith('.')) continue;
      const cands = [p, join(dirname(f), p)];
      if (cands.some((c) => existsSync(c))) continue;
      // bare name anywhere in repo
      const tail = '/' + p.replace(/^\.\//, '');
      const hits = allFiles.filter((a) => ('/' + a.replace(/^\.\//, '')).endsWith(tail));
      if (hits.length > 0 && !p.includes('/')) continue;
      if (hits.length > 0) { console.log(`PARTIAL ${f}: ${p} -> ${hits.slice(0,2).join(',')}`); continue; }
      const line = text.slice(0, scanner.getTokenStart() ).split('\n').length;
      console.log(`MISSING ${f}:${line}: ${p}`);
    }
  }
}
