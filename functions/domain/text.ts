import * as z from 'zod';

/**
 * What free text a request may carry: the rules every text field of every request schema shares
 * (recipient name, description, metadata values, exception notes and assignees, redrive filters…).
 *
 * Text is normalised to NFC, so "é" typed as e + U+0301 and as U+00E9 is one value: compared,
 * hashed for the Idempotency-Key check and sent to the provider the same way. Then it is refused,
 * with one reason per rule, when it carries:
 * - `lone_surrogate`: half of a UTF-16 pair (a JSON `\ud800` escape). It is not a character, has no
 *   UTF-8 form, and DynamoDB or a provider would store or refuse it unpredictably.
 * - `control_character`: C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). A NUL cuts strings in C
 *   code and in some provider files; others move terminals and logs. Multi-line fields (notes
 *   typed in a textarea) allow LF, CR and TAB; no other field allows any.
 * - `bidi_control`: the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069 and the
 *   invisible marks U+200E, U+200F, U+061C. They reorder how text *displays* without changing what
 *   it *is* ("Trojan Source", CVE-2021-42574), so a name or reference could read differently to an
 *   operator than to the provider. The marks are refused too: they are invisible, and names in
 *   right-to-left scripts display correctly without them.
 * - `replacement_character`: U+FFFD is what a decoder writes where bytes were lost. A value that
 *   carries it was corrupted before it reached us (some gateways may substitute it for invalid
 *   UTF-8 instead of passing the bytes on), so we refuse it rather than store the damage.
 * - `no_visible_character` (names only): a name made only of spaces, format characters, default-
 *   ignorable code points (zero-width spaces and joiners, Hangul fillers) or the blank braille
 *   pattern shows nothing to the person who must recognise it.
 */
export const TEXT_REFUSALS = [
  'lone_surrogate',
  'control_character',
  'bidi_control',
  'replacement_character',
  'no_visible_character',
] as const;
export type TextRefusalReason = (typeof TEXT_REFUSALS)[number];

/** The issue message every text refusal carries; the request-error mapper turns it into `invalid_text`. */
export const INVALID_TEXT_CODE = 'invalid_text';

export interface TextRules {
  /** LF, CR and TAB allowed (notes typed in a textarea). */
  multiline?: boolean;
  /** At least one visible character (names). */
  requireVisible?: boolean;
}

export interface TextRefusal {
  reason: TextRefusalReason;
  /** The offending code point as `U+XXXX`, when one character is to blame. */
  codePoint?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const REPLACEMENT_CHARACTER = /\uFFFD/;
/** Characters that occupy no visible space although their category is a letter or symbol. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

function refusal(reason: TextRefusalReason, match: RegExpExecArray | null): TextRefusal {
  const codeUnit = match?.[0].charCodeAt(0);
  return codeUnit === undefined
    ? { reason }
    : { reason, codePoint: `U+${codeUnit.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** The first rule `text` breaks, in the order of TEXT_REFUSALS, or undefined. Pure; expects NFC text. */
export function textRefusalOf(text: string, rules: TextRules = {}): TextRefusal | undefined {
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate !== null) return refusal('lone_surrogate', surrogate);
  const control = (rules.multiline === true ? CONTROL_BUT_LINE_BREAKS : CONTROL).exec(text);
  if (control !== null) return refusal('control_character', control);
  const bidi = BIDI_CONTROL.exec(text);
  if (bidi !== null) return refusal('bidi_control', bidi);
  const replacement = REPLACEMENT_CHARACTER.exec(text);
  if (replacement !== null) return refusal('replacement_character', replacement);
  if (rules.requireVisible === true && !VISIBLE.test(text.replace(INVISIBLE, '')))
    return { reason: 'no_visible_character' };
  return undefined;
}

export const describeTextRefusal = (refusal: TextRefusal): string => {
  const what: Record<TextRefusalReason, string> = {
    lone_surrogate: 'an unpaired UTF-16 surrogate, which is not a character',
    control_character: 'a control character',
    bidi_control: 'a bidirectional control character, which changes how text displays',
    replacement_character: 'U+FFFD, the mark of bytes lost in decoding',
    no_visible_character: 'no visible character',
  };
  const shown = refusal.codePoint !== undefined && refusal.reason !== 'replacement_character';
  return `contains ${what[refusal.reason]}${shown ? ` (${refusal.codePoint})` : ''}`;
};

export interface TextFieldOptions extends TextRules {
  /** The error code of a wrong type or length (e.g. `recipient_name_invalid`). */
  error: string;
  charsMax: number;
  /** Default 0; a required non-empty field sets 1. */
  charsMin?: number;
  /** Strip leading and trailing white space before the checks (names). */
  trim?: boolean;
}

/**
 * A zod string that normalises to NFC and refuses what `textRefusalOf` refuses, with the issue
 * message `invalid_text` and the reason in `params`. Lengths are counted after normalisation, in
 * UTF-16 code units (what zod and the rest of the API count).
 */
export function textField(options: TextFieldOptions) {
  const rules: TextRules = {
    ...(options.multiline === undefined ? {} : { multiline: options.multiline }),
    ...(options.requireVisible === undefined ? {} : { requireVisible: options.requireVisible }),
  };
  let schema = z.string({ error: options.error }).normalize('NFC');
  if (options.trim === true) schema = schema.trim();
  // An empty value is a length error first: "required" says more than "no visible character".
  if (options.charsMin !== undefined && options.charsMin > 0)
    schema = schema.min(options.charsMin, { error: options.error });
  return schema
    .superRefine((value, context) => {
      const refused = textRefusalOf(value, rules);
      if (refused !== undefined)
        context.addIssue({ code: 'custom', message: INVALID_TEXT_CODE, params: { ...refused } });
    })
    .max(options.charsMax, { error: options.error });
}
