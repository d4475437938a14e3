import path from 'node:path';
import { build } from 'esbuild';
const root = process.cwd();
const { esbuildOptions, lambdaEntries } = await import(path.join(root, 'infra/bundling.ts'));
const [name, target] = process.argv.slice(2);
const r = await build({ ...esbuildOptions, entryPoints: [path.join(root, lambdaEntries[name])], outfile: 'index.mjs', absWorkingDir: root, write: false, metafile: true, logLevel: 'silent' });
const inputs = r.metafile.inputs;
const parents = new Map();
for (const [f, v] of Object.entries(inputs)) for (const i of v.imports) { if (!parents.has(i.path)) parents.set(i.path, []); parents.get(i.path).push(f); }
let cur = Object.keys(inputs).find((f) => f.includes(target)); const seen = new Set();
while (cur && !seen.has(cur)) { console.log(cur); seen.add(cur); cur = (parents.get(cur) ?? []).find((p) => !seen.has(p)); }
