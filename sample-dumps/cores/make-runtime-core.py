#!/usr/bin/env python3
"""Reduce an ELF core to its headers, notes and the runtime's data: like make-sparse-core.py, every
PT_LOAD keeps p_vaddr/p_memsz/p_flags and gets p_filesz = 0 — except the PT_LOADs that overlap a
non-executable mapping of libcoreclr.so (NT_FILE), which keep their bytes unchanged, moved to the
end of the file (p_offset rewritten). Those hold what heapscope reads to find the runtime: its ELF
and program headers, dynamic section, symbol and hash tables, DotNetRuntimeContractDescriptor, its
JSON and pointer data, and the runtime's version string. Usage: FULL REDUCED"""
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
phoff, = struct.unpack_from('<Q', data, 32)
phnum, = struct.unpack_from('<H', data, 56)
headers = [list(struct.unpack_from('<IIQQQQQQ', data, phoff + i * 56)) for i in range(phnum)]
# NT_FILE: the mappings of libcoreclr.so
runtime = []
for ptype, flags, off, vaddr, paddr, filesz, memsz, align in headers:
    if ptype != 4:
        continue
    at = off
    while at + 12 <= off + filesz:
        namesz, descsz, ntype = struct.unpack_from('<III', data, at)
        desc = at + 12 + ((namesz + 3) & ~3)
        if ntype == 0x46494c45:
            count, page = struct.unpack_from('<QQ', data, desc)
            entries = [struct.unpack_from('<QQQ', data, desc + 16 + 24 * i) for i in range(count)]
            names = data[desc + 16 + 24 * count:desc + descsz].split(b'\0')
            runtime += [(start, end) for (start, end, _), name in zip(entries, names) if name.endswith(b'/libcoreclr.so')]
        at = desc + ((descsz + 3) & ~3)
if not runtime:
    sys.exit('no libcoreclr.so in NT_FILE')
out = bytearray(data)
end = phoff + phnum * 56
for ptype, flags, off, vaddr, paddr, filesz, memsz, align in headers:
    if ptype != 1:
        end = max(end, off + filesz)
kept = bytearray()
for i, (ptype, flags, off, vaddr, paddr, filesz, memsz, align) in enumerate(headers):
    if ptype != 1:
        continue
    at = phoff + i * 56
    keep = not (flags & 1) and any(start < vaddr + memsz and vaddr < stop for start, stop in runtime)
    if keep:
        struct.pack_into('<Q', out, at + 8, end + len(kept))
        kept += data[off:off + filesz]
    else:
        struct.pack_into('<Q', out, at + 32, 0)
open(dst, 'wb').write(bytes(out[:end]) + bytes(kept))
