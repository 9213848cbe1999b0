#!/usr/bin/env python3
"""Reduce an ELF core to its headers and notes: every PT_LOAD keeps p_offset/p_vaddr/p_memsz/p_flags
but gets p_filesz = 0 and its bytes zeroed, and the file ends after the last non-PT_LOAD byte. Usage: FULL SPARSE"""
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
data = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 32)
phnum, = struct.unpack_from('<H', data, 56)
end = phoff + phnum * 56
for i in range(phnum):
    at = phoff + i * 56
    ptype, = struct.unpack_from('<I', data, at)
    off, filesz = struct.unpack_from('<Q', data, at + 8)[0], struct.unpack_from('<Q', data, at + 32)[0]
    if ptype == 1:
        struct.pack_into('<Q', data, at + 32, 0)
        data[off:off + filesz] = bytes(min(filesz, max(0, len(data) - off)))  # zeroed: not in the sparse core
    else:
        end = max(end, off + filesz)
open(dst, 'wb').write(bytes(data[:end]))
