/**
 * @module Leadership as a lease row (the scheduler's): one holder per name until its lease expires; any node may
 * take over an expired one, and each change of holder bumps the fence. Renewing keeps the fence.
 */
import type { Db } from "./sql.ts";

export interface Leadership {
  /** Whether the caller holds it now. */
  leader: boolean;
  holder: string;
  fence: number;
  expiresAt: number;
}

const TAKE = `INSERT INTO leadership (name, holder, fence, expires_at) VALUES (?, ?, 1, ?)
ON CONFLICT (name) DO UPDATE SET
  fence = CASE WHEN leadership.holder = excluded.holder THEN leadership.fence ELSE leadership.fence + 1 END,
  holder = excluded.holder, expires_at = excluded.expires_at
WHERE leadership.holder = excluded.holder OR leadership.expires_at <= ?`;

/**
 * Takes or renews leadership of `name` for `holder` until `now + ttlMs`; answers who holds it afterwards.
 * @example
 * if ((await tryLeadership(store, { name: "scheduler", holder: nodeId, now: Date.now(), ttlMs: 15_000 })).leader) fireDueSlots();
 */
export async function tryLeadership(
  db: Db, t: { name: string; holder: string; now: number; ttlMs: number },
): Promise<Leadership> {
  return db.sql.tx(async (sql) => {
    await sql.run(TAKE, [t.name, t.holder, t.now + t.ttlMs, t.now]);
    const row = (await sql.get<{ holder: string; fence: number; expires_at: number }>(
      "SELECT holder, fence, expires_at FROM leadership WHERE name = ?", [t.name],
    ))!;
    return { leader: row.holder === t.holder, holder: row.holder, fence: row.fence, expiresAt: row.expires_at };
  });
}

/**
 * Steps down (shutdown): the lease ends now, so the next node takes over at once instead of after it. The row stays,
 * so the next holder's fence is still higher.
 */
export async function resignLeadership(db: Db, name: string, holder: string): Promise<boolean> {
  return (await db.sql.run("UPDATE leadership SET expires_at = 0 WHERE name = ? AND holder = ?", [name, holder])) === 1;
}

/** The current holder of `name`, if any (expired or not: compare `expiresAt`). */
export async function getLeadership(db: Db, name: string): Promise<Omit<Leadership, "leader"> | undefined> {
  const row = await db.sql.get<{ holder: string; fence: number; expires_at: number }>(
    "SELECT holder, fence, expires_at FROM leadership WHERE name = ?", [name],
  );
  return row ? { holder: row.holder, fence: row.fence, expiresAt: row.expires_at } : undefined;
}

/** Every leadership row (one per duty), by name: for `floe cluster status`. */
export async function listLeaderships(db: Db): Promise<({ name: string } & Omit<Leadership, "leader">)[]> {
  const rows = await db.sql.all<{ name: string; holder: string; fence: number; expires_at: number }>(
    "SELECT name, holder, fence, expires_at FROM leadership ORDER BY name",
  );
  return rows.map((r) => ({ name: r.name, holder: r.holder, fence: Number(r.fence), expiresAt: Number(r.expires_at) }));
}
