/**
 * Reduces a full ELF core of a .NET 10+ process to what heapscope reads of it: the ELF header,
 * program headers and notes at their offsets, and of process memory only the 4 KB pages heapscope's
 * import read (the runtime discovery, the managed-heap walk, the handle tables and the thread stacks)
 * and its value reader reads for every object (fields and their names): every byte range read from the
 * file, recorded. Each
 * PT_LOAD is split at the kept pages: a kept run becomes a PT_LOAD with its bytes (appended at the
 * end of the file), the rest PT_LOADs with p_filesz = 0. So the reduced core reads, for heapscope,
 * as the full core did — the same objects, references and roots — at a fraction of its size; its memory map has more
 * rows than the process had (one per run). Usage: tsx tools/cores/reduce-heap-core.ts FULL REDUCED
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { openFileByteSource } from '../../src/cli/node-byte-source';
import { importElfCore } from '../../src/formats/elf-core';

const PAGE = 4096n;
const [full, reduced] = process.argv.slice(2);
if (!full || !reduced) throw new Error('usage: reduce-heap-core.ts FULL REDUCED');
// Open the full core as heapscope does, recording every byte range read from the file.
const file = await openFileByteSource(full);
const reads: { offset: number; length: number }[] = [];
const source = {
  ...file,
  name: file.name,
  size: file.size,
  read: (offset: number, length: number) => {
    reads.push({ offset, length });
    return file.read(offset, length);
  },
};
const { core, heap } = await importElfCore(source);
const managed = heap.dumpFacts?.runtime?.managedHeap;
if (managed?.status !== 'read') throw new Error(managed?.message ?? 'no managed heap');
// And every object's values, as the inspector reads them: its type's fields and their names.
for (let node = 0; node < heap.nodes.count; node++) await heap.values?.read(node);
// The pages of process memory those reads came from.
const pages = new Set<bigint>();
for (const range of reads) {
  for (const load of core.loads) {
    const from = Math.max(range.offset, load.fileOffset);
    const to = Math.min(range.offset + range.length, load.fileOffset + load.fileSize);
    if (from >= to) continue;
    const first = load.vaddr + BigInt(from - load.fileOffset);
    const last = load.vaddr + BigInt(to - load.fileOffset);
    for (let page = first / PAGE; page * PAGE < last; page++) pages.add(page);
  }
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
    `${managed.objects} objects`,
);
