/**
 * Masks for sensitive fields in what leaves the API (JSON responses, security events): built-in
 * kinds for e-mail addresses, phone numbers, card numbers (last four), IBANs and tokens, or a
 * function of the app's own. Rules are compiled once; masking works on a plain copy of what
 * JSON.stringify would send (class instances and toJSON() results included), never on the
 * handler's objects.
 */

/** A built-in mask. */
export type MaskKind = "email" | "phone" | "card" | "iban" | "token" | "redact";

/** A custom mask: the value to send instead of `value` found at `path` (dotted). */
export type MaskFunction = (value: unknown, path: string) => unknown;

/**
 * Masks by field: a bare name (`email`) masks that property at any depth; a dotted path
 * (`customer.phone`) masks it from the root only (arrays are looked through).
 */
export type MaskRules = Readonly<Record<string, MaskKind | MaskFunction>>;

/** Applies compiled rules to a value, returning a masked copy. */
export type Masker = (value: unknown) => unknown;

const REDACTED = "[redacted]";
const MASK_KINDS: readonly MaskKind[] = ["email", "phone", "card", "iban", "token", "redact"];
const MAX_DEPTH = 64;

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

/** `jane.doe@example.com` → `j***@example.com`. */
export function maskEmail(value: unknown): string {
  const input = text(value);
  const at = input?.lastIndexOf("@") ?? -1;
  if (input === undefined || at < 1) return "***";
  return `${input[0]}***${input.slice(at)}`;
}

/** Every digit but the last two hidden: `+1 415 555 0132` → `+* *** *** **32`. */
export function maskPhone(value: unknown): string {
  const input = text(value);
  if (input === undefined) return "***";
  const digits = input.replace(/\D/g, "").length;
  if (digits < 4) return "***";
  let seen = 0;
  return input.replace(/\d/g, (d) => (++seen > digits - 2 ? d : "*"));
}

/** A card number reduced to its last four digits: `************1111`. */
export function maskCard(value: unknown): string {
  const digits = text(value)?.replace(/\D/g, "") ?? "";
  if (digits.length < 8) return "****";
  return `${"*".repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** An IBAN with only its country code and last four characters: `DE****************3000`. */
export function maskIban(value: unknown): string {
  const compact = text(value)?.replace(/\s/g, "").toUpperCase() ?? "";
  if (compact.length < 10) return "****";
  return `${compact.slice(0, 2)}${"*".repeat(compact.length - 6)}${compact.slice(-4)}`;
}

const BUILT_IN: Readonly<Record<MaskKind, (value: unknown) => unknown>> = {
  email: maskEmail,
  phone: maskPhone,
  card: maskCard,
  iban: maskIban,
  token: () => REDACTED,
  redact: () => REDACTED,
};

/** Problems with a set of rules, each saying what to write instead. */
export function checkMaskRules(rules: unknown, path: string): string[] {
  if (typeof rules !== "object" || rules === null || Array.isArray(rules)) {
    return [`${path} must be an object of field names to a mask kind (${MASK_KINDS.join(", ")}) or a function.`];
  }
  const problems: string[] = [];
  for (const [field, mask] of Object.entries(rules)) {
    if (field === "" || field.split(".").some((s) => s === "")) problems.push(`${path}: ${JSON.stringify(field)} is not a field name or dotted path.`);
    if (typeof mask !== "function" && !MASK_KINDS.includes(mask as MaskKind)) {
      problems.push(`${path}.${field} must be one of ${MASK_KINDS.map((k) => JSON.stringify(k)).join(", ")} or a function (value, path) => masked.`);
    }
  }
  return problems;
}

/** Compiles rules (checked with {@link checkMaskRules}) into a masker. */
export function createMasker(rules: MaskRules): Masker {
  const byName = new Map<string, (value: unknown, path: string) => unknown>();
  const byPath = new Map<string, (value: unknown, path: string) => unknown>();
  for (const [field, mask] of Object.entries(rules)) {
    const apply = typeof mask === "function" ? mask : BUILT_IN[mask];
    (field.includes(".") ? byPath : byName).set(field, apply);
  }

  /**
   * A masked plain copy of what JSON.stringify sends for `input` under `key`: its toJSON() result
   * (called once), boxed primitives unboxed, then for any object (a class instance as much as a
   * plain one) its own enumerable string-keyed properties. Functions are left out, as JSON leaves
   * them out, so that no copied `toJSON` can send something else than the masked copy.
   */
  function visit(input: unknown, path: string, depth: number, key: string, ancestors: Set<object>): unknown {
    if (input === null || typeof input !== "object" || isNativeDate(input)) return input;
    if (depth > MAX_DEPTH) return REDACTED;
    const value = serialised(input, key);
    if (value === null || typeof value !== "object") return value;
    // JSON.stringify refuses a cycle; walking one (an entity and its back-references) could take for ever.
    if (ancestors.has(value)) throw new TypeError("Converting circular structure to JSON");
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((item: unknown, i) => visit(item, path, depth + 1, String(i), ancestors));
      const out: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(value)) {
        if (typeof child === "function") continue;
        const childPath = path === "" ? name : `${path}.${name}`;
        const mask = byPath.get(childPath) ?? byName.get(name);
        out[name] = mask === undefined ? visit(child, childPath, depth + 1, name, ancestors) : applyMask(mask, child, childPath, name);
      }
      return out;
    } finally {
      ancestors.delete(value);
    }
  }

  return function maskPayload(value) {
    return visit(value, "", 0, "", new Set());
  };
}

const DATE_TO_JSON = Date.prototype.toJSON;

/** A Date that serialises as its ISO string: kept as it is (masks and serialisers know Dates). */
function isNativeDate(value: object): boolean {
  return value instanceof Date && (value as { toJSON?: unknown }).toJSON === DATE_TO_JSON;
}

/** What JSON.stringify serialises in place of `value` under `key`: its toJSON() result, unboxed. */
function serialised(value: object, key: string): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const sent: unknown = typeof toJSON === "function" && !isNativeDate(value) ? (toJSON as (key: string) => unknown).call(value, key) : value;
  if (sent instanceof Number) return Number(sent);
  if (sent instanceof String) return String(sent);
  if (sent instanceof Boolean) return sent.valueOf();
  return sent;
}

/** The value a mask sees: what JSON would send (a toJSON() result, not the object holding it). */
function sentValue(value: unknown, key: string): unknown {
  return value === null || typeof value !== "object" || isNativeDate(value) ? value : serialised(value, key);
}

/** A list under a masked name has each of its items masked; null and undefined stay as they are. */
function applyMask(mask: (value: unknown, path: string) => unknown, value: unknown, path: string, key: string): unknown {
  const sent = sentValue(value, key);
  if (sent === null || sent === undefined) return sent;
  if (!Array.isArray(sent)) return mask(sent, path);
  return sent.map((item: unknown, i) => {
    const element = sentValue(item, String(i));
    return element === null || element === undefined ? element : mask(element, path);
  });
}
