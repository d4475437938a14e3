// What a text a person typed may hold. Refused: control characters (a line break or tab only in multi-line texts),
// format characters (right-to-left overrides that make a stored name render as another on the certificate page,
// zero-width characters that make a blank name look filled), private-use and unassigned code points, lone
// surrogates. Ordinary CJK (the extension blocks that real names use included), Latin, digits and punctuation pass.
import * as z from 'zod/mini';

const INLINE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;
const MULTILINE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Whether `text` holds a character no typed text should; `multiline` texts may hold line breaks and tabs. */
export function hasForbiddenCharacters(text: string, multiline = false): boolean {
  return (multiline ? MULTILINE : INLINE).test(text.replaceAll('\r\n', '\n'));
}

const forbiddenCharactersMessage = (label: string) => `${label}含有不允许的字符（控制字符、方向控制符、零宽字符或无效编码），请删除后重新输入`;

/**
 * The checks of every typed text, in order: surrounding blanks trimmed, normalised to NFC (the same name typed on two
 * systems compares equal), then refused if it holds a forbidden character.
 */
export function plainText(label: string, multiline = false) {
  return [
    z.trim(),
    z.normalize('NFC'),
    z.refine<string>((text) => !hasForbiddenCharacters(text, multiline), { error: forbiddenCharactersMessage(label) }),
  ] as const;
}
