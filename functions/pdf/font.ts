// Where the documents' font is: Noto Sans SC Regular (SIL Open Font License 1.1, @expo-google-fonts/noto-sans-sc),
// beside the bundled index.mjs once deployed (infra/bundling.ts copies it there), in node_modules when run from source.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const FONT_FILE = 'NotoSansSC_400Regular.ttf';
/** The font's path in its package, for the bundling that copies it (infra/bundling.ts dataFiles). */
export const fontPackagePath = `@expo-google-fonts/noto-sans-sc/400Regular/${FONT_FILE}`;

let found: string | undefined;

/** The TTF's path; the first call looks for it, and a missing font stops the document with the reason. */
export function fontPath(): string {
  if (found) return found;
  const beside = fileURLToPath(new URL(`./${FONT_FILE}`, import.meta.url));
  if (existsSync(beside)) return (found = beside);
  try {
    return (found = createRequire(import.meta.url).resolve(fontPackagePath));
  } catch (cause) {
    throw new Error(`pdf: ${FONT_FILE} is neither beside ${beside} nor in node_modules (${fontPackagePath})`, { cause });
  }
}
