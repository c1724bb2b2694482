/**
 * Context-aware output encoders for apps that put user content into HTML (OWASP XSS Prevention
 * Cheat Sheet): one function per context, each safe for that context only. HTML text uses the
 * `entities` library; the others follow the cheat sheet's rule for their context.
 */
import { escapeUTF8 } from "entities";

// ASCII characters other than letters and digits (input is made well-formed first). Characters
// from U+0080 up stay as they are: they mean nothing to HTML, and numeric references to
// U+0080-U+009F would be read as windows-1252 characters instead.
const ATTRIBUTE_UNSAFE = /[^A-Za-z0-9\u0080-\uFFFF]/g;
const URL_RESERVED_EXTRA = /[!'()*]/g;
const JSON_IN_HTML = /[<>&\u2028\u2029]/g;

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

/** Replaces lone surrogates (which no encoding can carry) with U+FFFD. */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

/**
 * For HTML text content (`<div>{here}</div>`): `& < > " '` become entities. Not for attributes,
 * URLs, scripts or styles.
 */
export function encodeHtml(value: unknown): string {
  return escapeUTF8(wellFormed(toText(value)));
}

/**
 * For an HTML attribute value, quoted or not (`<div title="{here}">`): every ASCII character that
 * is not a letter or digit becomes `&#xHH;`. Never for event-handler (`on*`), `style`,
 * `href`/`src` attributes: use {@link safeUrl} and {@link encodeUrlComponent} for URLs.
 */
export function encodeHtmlAttribute(value: unknown): string {
  return wellFormed(toText(value)).replace(ATTRIBUTE_UNSAFE, (c) => `&#x${hex(c.codePointAt(0)!, 2)};`);
}

/**
 * For one URL component (a query value or a path segment): percent-encoding of everything but
 * `A-Z a-z 0-9 - _ . ~`, safe inside a quoted attribute as is.
 */
export function encodeUrlComponent(value: unknown): string {
  return encodeURIComponent(wellFormed(toText(value))).replace(URL_RESERVED_EXTRA, (c) => `%${hex(c.charCodeAt(0), 2)}`);
}

/**
 * For the inside of a JavaScript string literal (single, double or backtick quoted) in a script
 * block or file: every character that is not a letter or digit becomes `\xHH` or `\uHHHH`, so no
 * quote, backslash, `</script>`, line terminator or `${` can end the literal.
 */
export function encodeJsString(value: unknown): string {
  const input = toText(value);
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (isAlphanumeric(code)) out += input[i];
    else out += code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  }
  return out;
}

/**
 * JSON for inlining in HTML (`<script type="application/json">` or `var data = ...;`): `<`, `>`,
 * `&`, U+2028 and U+2029 escaped as `\uXXXX`, so the text can neither close the script element nor
 * break older parsers, and `JSON.parse` gives the value back.
 */
export function encodeJsonForHtml(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  return json.replace(JSON_IN_HTML, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}
