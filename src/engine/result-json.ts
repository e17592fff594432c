/** @module Results as JSON text, only when the text gives the same value back (no Dates, Maps, class instances). */

/** Marks a result that is kept in memory only. */
export const NOT_JSON: unique symbol = Symbol("not-json");

const MAX_DEPTH = 256;

/** JSON text of a result; undefined for an undefined result; {@link NOT_JSON} when JSON would not round-trip. */
export function resultJsonOf(value: unknown): string | undefined | typeof NOT_JSON {
  if (value === undefined) return undefined;
  if (!isJsonSafe(value, 0)) return NOT_JSON;
  return JSON.stringify(value);
}

export function isJsonSafe(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false; // deep or cyclic
      if (Array.isArray(value)) {
        for (const v of value) if (v === undefined || !isJsonSafe(v, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined && !isJsonSafe(v, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
