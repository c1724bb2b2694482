/**
 * One canonical form for identifiers compared for identity or authority (user names, roles,
 * tenant slugs): Unicode compatibility normalisation then lower case, so `ＡＤＭＩＮ`, `ªdmin`
 * and `admin` compare equal, on both sides of every comparison. It does not fold look-alikes from
 * other scripts (Cyrillic `а`): restrict such fields to a pattern such as `^[a-z0-9_-]+$` as well.
 */

/** The canonical form of an identifier: NFKC, lower case, NFKC again (lower-casing can denormalise). */
export function canonicalIdentifier(value: string): string {
  return value.normalize("NFKC").toLowerCase().normalize("NFKC");
}
