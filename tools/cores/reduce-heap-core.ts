/**
 * Reduces a full ELF core of a .NET 10+ process to what heapscope reads of it: the ELF header,
 * program headers and notes at their offsets, and of process memory only the 4 KB pages the
 * runtime discovery and the managed-heap walk read (src/formats/elf-core/managed-heap.ts). Each
 * PT_LOAD is split at the kept pages: a kept run becomes a PT_LOAD with its bytes (appended at the
 * end of the file), the rest PT_LOADs with p_filesz = 0. So the reduced core reads, for heapscope,
 * as the full core did — the same histogram — at a fraction of its size; its memory map has more
 * rows than the process had (one per run). Usage: tsx tools/cores/reduce-heap-core.ts FULL REDUCED
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { openFileByteSource } from '../../src/cli/node-byte-source';
import { coreMemory } from '../../src/formats/elf-core/core-memory';
import { readElfCore } from '../../src/formats/elf-core/elf-core-reader';
import { readManagedHeap } from '../../src/formats/elf-core/managed-heap';
import { discoverRuntime, runtimeFacts } from '../../src/formats/elf-core/runtime-descriptor';

const PAGE = 4096n;
const [full, reduced] = process.argv.slice(2);
if (!full || !reduced) throw new Error('usage: reduce-heap-core.ts FULL REDUCED');
const source = await openFileByteSource(full);
const core = await readElfCore(source);
const memory = coreMemory(source, core.loads);
const discovery = await discoverRuntime(core.files, memory);
if (discovery.status !== 'found') throw new Error(discovery.message);
await runtimeFacts(discovery, memory);
const heap = await readManagedHeap(discovery.runtime, discovery.descriptor, memory, { object() {} });
if (heap.status !== 'read') throw new Error(heap.message);
const pages = new Set<bigint>();
for (const range of memory.ranges) {
  for (let page = range.address / PAGE; page * PAGE < range.address + BigInt(range.length); page++) pages.add(page);
}

const fd = openSync(full, 'r');
const read = (offset: number, length: number): Buffer => {
  const out = Buffer.alloc(length);
  readSync(fd, out, 0, length, offset);
  return out;
};
const elf = read(0, 64);
const phoff = Number(elf.readBigUInt64LE(32));
const phnum = elf.readUInt16LE(56);
const headers = read(phoff, phnum * 56);
const kept: Buffer[] = [];
const newHeaders: Buffer[] = [];
let end = phoff + phnum * 56;
for (let i = 0; i < phnum; i++) {
  const h = headers.subarray(i * 56, i * 56 + 56);
  if (h.readUInt32LE(0) !== 1) end = Math.max(end, Number(h.readBigUInt64LE(8) + h.readBigUInt64LE(32)));
}
let tail = 0n;
for (let i = 0; i < phnum; i++) {
  const h = Buffer.from(headers.subarray(i * 56, i * 56 + 56));
  if (h.readUInt32LE(0) !== 1) {
    newHeaders.push(h);
    continue;
  }
  const offset = h.readBigUInt64LE(8);
  const vaddr = h.readBigUInt64LE(16);
  const filesz = h.readBigUInt64LE(32);
  const memsz = h.readBigUInt64LE(40);
  // Runs of kept and dropped pages across this PT_LOAD.
  let at = vaddr;
  while (at < vaddr + memsz) {
    const keep = at < vaddr + filesz && pages.has(at / PAGE);
    let to = at + PAGE;
    while (to < vaddr + memsz && (to < vaddr + filesz && pages.has(to / PAGE)) === keep) to += PAGE;
    if (to > vaddr + memsz) to = vaddr + memsz;
    const piece = Buffer.from(h);
    piece.writeBigUInt64LE(at, 16);
    piece.writeBigUInt64LE(to - at, 40);
    if (keep) {
      const length = (to < vaddr + filesz ? to : vaddr + filesz) - at;
      piece.writeBigUInt64LE(tail, 8); // rebased below, once the header table's size is known
      piece.writeBigUInt64LE(length, 32);
      kept.push(read(Number(offset + (at - vaddr)), Number(length)));
      tail += length;
    } else {
      piece.writeBigUInt64LE(0n, 8);
      piece.writeBigUInt64LE(0n, 32);
    }
    (piece as Buffer & { kept?: boolean }).kept = keep;
    newHeaders.push(piece);
    at = to;
  }
}
if (newHeaders.length >= 0xffff) throw new Error(`${newHeaders.length} program headers: more than e_phnum holds`);
// The new header table goes after everything the original non-PT_LOAD segments hold (headers, notes).
const tableAt = Math.ceil(end / 8) * 8;
const dataAt = BigInt(Math.ceil((tableAt + newHeaders.length * 56) / 4096) * 4096);
const head = Buffer.alloc(Number(dataAt));
read(0, end).copy(head, 0);
closeSync(fd);
head.writeBigUInt64LE(BigInt(tableAt), 32);
head.writeUInt16LE(newHeaders.length, 56);
newHeaders.forEach((piece, index) => {
  if ((piece as Buffer & { kept?: boolean }).kept) piece.writeBigUInt64LE(piece.readBigUInt64LE(8) + dataAt, 8);
  piece.copy(head, tableAt + index * 56);
});
writeFileSync(reduced, Buffer.concat([head, ...kept]));
console.log(
  `${reduced}: ${head.length + Number(tail)} bytes (${newHeaders.length} program headers, ${pages.size} pages kept) from ${source.size}; ` +
    `${heap.objects} objects`,
);
