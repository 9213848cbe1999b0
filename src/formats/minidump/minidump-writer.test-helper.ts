/** Writes small minidumps byte by byte for tests (no real Windows dump can be made here). */
export interface TestRegion { base: bigint; allocationBase: bigint; size: bigint; state: number; protect: number; type: number }
export function writeTestMinidump(options: { regions: TestRegion[]; threads: { tid: number; sp: bigint }[]; modules: { base: bigint; size: number; name: string }[] }): Uint8Array {
  const out: number[] = [];
  const u8 = (v: number) => out.push(v & 0xff);
  const u16 = (v: number) => { u8(v); u8(v >> 8); };
  const u32 = (v: number) => { u16(v & 0xffff); u16(v >>> 16); };
  const u64 = (v: bigint) => { u32(Number(v & 0xffffffffn)); u32(Number(v >> 32n)); };
  const patch32 = (at: number, v: number) => { for (let k = 0; k < 4; k++) out[at + k] = (v >>> (8 * k)) & 0xff; };
  const streams: [number, number, number][] = [];
  u32(0x504d444d); u32(0xa793); u32(4); u32(32); u32(0); u32(0); u64(0n);
  const dirAt = out.length; for (let i = 0; i < 48; i++) u8(0);
  let at = out.length; u16(9); for (let i = 0; i < 54; i++) u8(0); streams.push([7, 56, at]);
  at = out.length; u32(16); u32(48); u64(BigInt(options.regions.length));
  for (const r of options.regions) { u64(r.base); u64(r.allocationBase); u32(0); u32(0); u64(r.size); u32(r.state); u32(r.protect); u32(r.type); u32(0); }
  streams.push([16, out.length - at, at]);
  const contexts: number[] = [];
  at = out.length; u32(options.threads.length);
  for (const t of options.threads) { u32(t.tid); u32(0); u32(0); u32(0); u64(0n); u64(t.sp & ~0xfffn); u32(0x1000); u32(0); contexts.push(out.length); u32(0x4d0); u32(0); }
  streams.push([3, out.length - at, at]);
  options.threads.forEach((t, i) => { patch32(contexts[i] + 4, out.length); for (let k = 0; k < 0x98; k++) u8(0); u64(t.sp); for (let k = 0; k < 0x4d0 - 0xa0; k++) u8(0); });
  const nameRvas: number[] = [];
  at = out.length; u32(options.modules.length);
  for (const m of options.modules) { u64(m.base); u32(m.size); u32(0); u32(0); nameRvas.push(out.length); u32(0); for (let k = 0; k < 108 - 24; k++) u8(0); }
  streams.push([4, out.length - at, at]);
  options.modules.forEach((m, i) => { patch32(nameRvas[i], out.length); u32(m.name.length * 2); for (const ch of m.name) u16(ch.charCodeAt(0)); });
  streams.forEach(([type, size, rva], i) => { patch32(dirAt + i * 12, type); patch32(dirAt + i * 12 + 4, size); patch32(dirAt + i * 12 + 8, rva); });
  return new Uint8Array(out);
}
