/** @module JSON with object keys sorted, so equal values always give equal text (and equal hashes). */

/** Like JSON.stringify, but key order never matters; returns undefined where JSON.stringify would. */
export function stableJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
