import { Repository, Storage } from '@earthmover/icechunk';
import fs from 'node:fs/promises';
import path from 'node:path';
const root = process.argv[2];
const log = (...a) => process.env.V && console.error(...a);
const ver = (st) => ({ etag: `${st.ino}-${st.mtimeMs}-${st.size}` });
const nf = (e, p) => { if (e.code === 'ENOENT') throw new Error(`ObjectNotFound: ${p}`); throw e; };
const storage = Storage.newCustom({
  canWrite: async () => true,
  getObjectRange: async (_e, { path: p, rangeStart, rangeEnd }) => {
    log('get', p, rangeStart, rangeEnd);
    try { const fh = await fs.open(path.join(root, p)); const st = await fh.stat(); const s = rangeStart ?? 0, e = rangeEnd ?? st.size; const buf = Buffer.alloc(e - s); await fh.read(buf, 0, e - s, s); await fh.close(); return { data: buf, version: ver(st) }; } catch (e) { nf(e, p); }
  },
  putObject: async (_e, a) => { log('put', a.path, a.previousVersion); await fs.mkdir(path.dirname(path.join(root, a.path)), { recursive: true }); await fs.writeFile(path.join(root, a.path), a.data); const st = await fs.stat(path.join(root, a.path)); return { kind: 'updated', newVersion: ver(st) }; },
  copyObject: async (_e, a) => { log('copy', a); await fs.mkdir(path.dirname(path.join(root, a.to)), { recursive: true }); await fs.copyFile(path.join(root, a.from), path.join(root, a.to)); return { kind: 'updated', newVersion: a.version }; },
  listObjects: async (_e, prefix) => { log('list', prefix); const out = []; const dir = path.join(root, prefix);
    async function walk(d, rel) { let ents; try { ents = await fs.readdir(d, { withFileTypes: true }); } catch { return; } for (const en of ents) { const r = rel ? rel + '/' + en.name : en.name; if (en.isDirectory()) await walk(path.join(d, en.name), r); else { const st = await fs.stat(path.join(d, en.name)); out.push({ id: r, createdAt: st.mtime, sizeBytes: st.size }); } } }
    await walk(dir, ''); log(' ->', out.map(o => o.id)); return out; },
  deleteBatch: async (_e, a) => { log('del', a); return { deletedObjects: 0, deletedBytes: 0 }; },
  getObjectLastModified: async (_e, p) => (await fs.stat(path.join(root, p))).mtime,
  getObjectConditional: async (_e, { path: p, previousVersion }) => { log('getc', p, previousVersion); try { const data = await fs.readFile(path.join(root, p)); const st = await fs.stat(path.join(root, p)); const v = ver(st); if (previousVersion?.etag === v.etag) return { kind: 'on_latest_version' }; return { kind: 'modified', data, newVersion: v }; } catch (e) { nf(e, p); } },
});
try {
  console.log('spec', await Repository.fetchSpecVersion(storage));
  try { console.log('config', JSON.stringify(await Repository.fetchConfig(storage))); } catch (e) { console.log('fetchConfig err', e.message); }
  const repo = await Repository.open(storage);
  console.log('branches', await repo.listBranches(), 'tags', await repo.listTags());
  const anc = await repo.ancestry({ branch: 'my-branch' });
  console.log(anc.map(a => [a.id, a.message]));
  const s = await repo.readonlySession({ branch: 'my-branch' });
  console.log(await s.store.list());
} catch (e) { console.log('ERR', e.message, e.code, Object.keys(e)); }
