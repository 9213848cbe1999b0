/**
 * ELF core reader (64-bit little-endian, x86-64 and AArch64), as createdump writes it
 * (docs/specs/core-dumps.md §1). Reads only the ELF header, the program header table and the
 * PT_NOTE segments, by slices; never the memory contents. `bytesRead` says how much it read.
 */
import { FormatError, type ByteSource } from '../byte-source';

const FORMAT = 'elf-core';
const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56; // Elf64_Phdr
const PT_LOAD = 1;
const PT_NOTE = 4;
const ET_CORE = 4;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const PN_XNUM = 0xffff;
const NT_PRSTATUS = 1;
const NT_PRPSINFO = 3;
const NT_AUXV = 6;
const NT_FILE = 0x46494c45;
/** A PT_NOTE larger than this is refused: createdump's are under 1 MB (spec §1.4). */
const MAX_NOTE_BYTES = 64 * 1024 * 1024;
/** pr_pid offset and stack-pointer offsets inside prstatus_t (spec §1.2). */
const PRSTATUS_PID_OFFSET = 32;
const SP_OFFSET_X64 = 264;
const SP_OFFSET_ARM64 = 360;
/** pr_reg in prstatus_t, and how many 8-byte registers it holds (user_regs_struct). */
const PR_REG_OFFSET = 112;
const REGISTER_COUNT_X64 = 27;
const REGISTER_COUNT_ARM64 = 34;

export interface ElfLoadSegment {
  readonly vaddr: bigint;
  readonly memSize: bigint;
  readonly fileOffset: number;
  readonly fileSize: number;
  /** PF_X=1, PF_W=2, PF_R=4. */
  readonly flags: number;
}
export interface ElfThread {
  readonly tid: number;
  readonly stackPointer: bigint;
  /** The general registers NT_PRSTATUS holds (pr_reg: x86-64's 27, AArch64's 34), as saved. */
  readonly registers: readonly bigint[];
}
export interface ElfFileMapping {
  readonly start: bigint;
  readonly end: bigint;
  /** File offset in bytes (NT_FILE stores pages; multiplied by its page size). */
  readonly fileOffset: bigint;
  readonly path: string;
}
export interface ElfCore {
  readonly machine: 'x64' | 'arm64';
  readonly pointerSize: 8;
  readonly loads: readonly ElfLoadSegment[];
  readonly threads: readonly ElfThread[];
  readonly processName: string | null;
  readonly pid: number | null;
  readonly files: readonly ElfFileMapping[];
  readonly auxv: readonly (readonly [bigint, bigint])[];
  readonly bytesRead: number;
}

export async function readElfCore(source: ByteSource): Promise<ElfCore> {
  let bytesRead = 0;
  const readExact = async (offset: number, length: number, what: string): Promise<DataView> => {
    if (offset < 0 || length < 0 || offset + length > source.size) {
      throw new FormatError(
        FORMAT,
        `${what} needs ${length} bytes at offset 0x${offset.toString(16)} but the file has ${source.size} bytes`,
        offset,
      );
    }
    const bytes = await source.read(offset, length);
    bytesRead += bytes.length;
    if (bytes.length < length) throw new FormatError(FORMAT, `${what}: short read at 0x${offset.toString(16)}`, offset);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };

  const header = await readExact(0, ELF_HEADER_SIZE, 'ELF header');
  if (header.getUint32(0, false) !== 0x7f454c46)
    throw new FormatError(FORMAT, 'not an ELF file (no \\x7fELF magic)', 0);
  if (header.getUint8(4) !== 2)
    throw new FormatError(FORMAT, 'only 64-bit ELF cores are supported (EI_CLASS is not ELFCLASS64)', 4);
  if (header.getUint8(5) !== 1) throw new FormatError(FORMAT, 'only little-endian ELF cores are supported', 5);
  if (header.getUint16(16, true) !== ET_CORE)
    throw new FormatError(FORMAT, `e_type ${header.getUint16(16, true)} is not ET_CORE (4)`, 16);
  const machineCode = header.getUint16(18, true);
  const machine = machineCode === EM_X86_64 ? 'x64' : machineCode === EM_AARCH64 ? 'arm64' : null;
  if (machine === null)
    throw new FormatError(FORMAT, `e_machine ${machineCode} is neither x86-64 (62) nor AArch64 (183)`, 18);
  const phoff = Number(header.getBigUint64(32, true));
  const shoff = Number(header.getBigUint64(40, true));
  const phentsize = header.getUint16(54, true);
  let phnum = header.getUint16(56, true);
  if (phentsize !== PROGRAM_HEADER_SIZE) throw new FormatError(FORMAT, `e_phentsize ${phentsize}, expected 56`, 54);
  if (phnum === PN_XNUM) {
    // PN_XNUM: the real count is sh_info of section header 0 (spec §1.1 item 2).
    const section0 = await readExact(shoff, 64, 'section header 0 (PN_XNUM)');
    phnum = section0.getUint32(44, true);
  }
  if (phoff + phnum * PROGRAM_HEADER_SIZE > source.size) {
    throw new FormatError(
      FORMAT,
      `${phnum} program headers at 0x${phoff.toString(16)} run past the end of the file (${source.size} bytes)`,
      phoff,
    );
  }
  const table = await readExact(phoff, phnum * PROGRAM_HEADER_SIZE, 'program header table');
  const loads: ElfLoadSegment[] = [];
  const notes: { offset: number; size: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = i * PROGRAM_HEADER_SIZE;
    const type = table.getUint32(at, true);
    const flags = table.getUint32(at + 4, true);
    const fileOffset = Number(table.getBigUint64(at + 8, true));
    const vaddr = table.getBigUint64(at + 16, true);
    const fileSize = Number(table.getBigUint64(at + 32, true));
    const memSize = table.getBigUint64(at + 40, true);
    if (type === PT_LOAD) loads.push({ vaddr, memSize, fileOffset, fileSize, flags });
    else if (type === PT_NOTE) {
      if (fileSize > MAX_NOTE_BYTES)
        throw new FormatError(
          FORMAT,
          `PT_NOTE of ${fileSize} bytes exceeds the ${MAX_NOTE_BYTES}-byte limit`,
          phoff + at,
        );
      notes.push({ offset: fileOffset, size: fileSize });
    }
  }

  const threads: ElfThread[] = [];
  const files: ElfFileMapping[] = [];
  const auxv: (readonly [bigint, bigint])[] = [];
  let processName: string | null = null;
  let pid: number | null = null;
  for (const note of notes) {
    const view = await readExact(note.offset, note.size, 'PT_NOTE segment');
    let at = 0;
    while (at + 12 <= view.byteLength) {
      const nameSize = view.getUint32(at, true);
      const descSize = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const noteAt = `offset 0x${(note.offset + at).toString(16)}`;
      // Sizes are untrusted 32-bit values: compared as plain numbers against what the segment holds
      // before any arithmetic that could wrap.
      if (nameSize > view.byteLength - at - 12) {
        throw new FormatError(
          FORMAT,
          `note of type 0x${type.toString(16)} has a ${nameSize}-byte name, more than its PT_NOTE holds (${noteAt})`,
          note.offset + at,
        );
      }
      const descAt = at + 12 + align4(nameSize);
      if (descSize > view.byteLength - descAt) {
        throw new FormatError(
          FORMAT,
          `note of type 0x${type.toString(16)} with ${descSize} bytes runs past its PT_NOTE (offset 0x${(note.offset + at).toString(16)})`,
          note.offset + at,
        );
      }
      const desc = new DataView(view.buffer, view.byteOffset + descAt, descSize);
      if (type === NT_PRSTATUS) {
        const spOffset = machine === 'x64' ? SP_OFFSET_X64 : SP_OFFSET_ARM64;
        if (descSize < spOffset + 8)
          throw new FormatError(FORMAT, `NT_PRSTATUS of ${descSize} bytes is too short`, note.offset + at);
        const registerCount = machine === 'x64' ? REGISTER_COUNT_X64 : REGISTER_COUNT_ARM64;
        const registers: bigint[] = [];
        for (let r = 0; r < registerCount && PR_REG_OFFSET + (r + 1) * 8 <= descSize; r++) {
          registers.push(desc.getBigUint64(PR_REG_OFFSET + r * 8, true));
        }
        threads.push({
          tid: desc.getInt32(PRSTATUS_PID_OFFSET, true),
          stackPointer: desc.getBigUint64(spOffset, true),
          registers,
        });
      } else if (type === NT_PRPSINFO && descSize >= 136) {
        pid = desc.getInt32(24, true);
        processName = cString(new Uint8Array(desc.buffer, desc.byteOffset + 40, 16));
      } else if (type === NT_AUXV) {
        for (let a = 0; a + 16 <= descSize; a += 16)
          auxv.push([desc.getBigUint64(a, true), desc.getBigUint64(a + 8, true)]);
      } else if (type === NT_FILE) {
        files.push(...parseFileNote(desc, note.offset + descAt));
      }
      at = descAt + align4(descSize);
    }
  }
  return { machine, pointerSize: 8, loads, threads, processName, pid, files, auxv, bytesRead };
}

function parseFileNote(desc: DataView, fileOffset: number): ElfFileMapping[] {
  if (desc.byteLength < 16) throw new FormatError(FORMAT, 'NT_FILE shorter than its 16-byte header', fileOffset);
  const count = desc.getBigUint64(0, true);
  const pageSize = desc.getBigUint64(8, true);
  // Each entry needs 24 bytes plus a NUL: check the count against what remains before looping.
  if (count * 25n > BigInt(desc.byteLength - 16)) {
    throw new FormatError(
      FORMAT,
      `NT_FILE claims ${count} mappings but only ${desc.byteLength - 16} bytes remain`,
      fileOffset,
    );
  }
  const entries = Number(count);
  const bytes = new Uint8Array(desc.buffer, desc.byteOffset, desc.byteLength);
  let nameAt = 16 + entries * 24;
  const decoder = new TextDecoder();
  const result: ElfFileMapping[] = [];
  for (let i = 0; i < entries; i++) {
    const nul = bytes.indexOf(0, nameAt);
    const end = nul < 0 ? bytes.length : nul;
    result.push({
      start: desc.getBigUint64(16 + i * 24, true),
      end: desc.getBigUint64(24 + i * 24, true),
      fileOffset: desc.getBigUint64(32 + i * 24, true) * pageSize,
      path: decoder.decode(bytes.subarray(nameAt, end)),
    });
    nameAt = end + 1;
  }
  return result;
}

/** `n` rounded up to a multiple of 4, for any n up to 2^53 (no 32-bit bit tricks: sizes come from the file). */
function align4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}
