// MemoryMapTruth: the memory map of an ELF core or a Windows minidump as ClrMD sees it, named by
// SOS's maddress rules. Our TypeScript readers compute the same regions, threads and rows in
// src/formats/elf-core/memory-map-truth.test.ts and src/formats/minidump/minidump-truth.test.ts and
// must agree exactly. Minidumps (ClrMD reads them as Windows targets) go to MinidumpTruth.cs; the
// rest of this file is the ELF core truth.
//
// Usage: MemoryMapTruth CORE|MINIDUMP [--clrmd-typing]
//   (no switch)       canonical JSON on stdout (shape in README.md); it depends only on the core's
//                     headers and notes, so a sparse core gives the same JSON as its full core
//   --clrmd-typing    also ClrMD's own per-region Image typing, its rows and its module count. Not
//                     part of the truth: ClrMD finds module sizes by reading memory (PE headers), so
//                     on a sparse core it differs from the full core (README.md, "ClrMD's typing")
//
// Where each fact comes from:
//   regions   ClrMD's IMemoryRegionReader (one committed region per PT_LOAD, protection from p_flags)
//   threads   ClrMD's IThreadReader: OS thread ids, and the stack pointer from GetThreadContext
//             (AMD64Context.Rsp / Arm64Context.Sp), i.e. ClrMD's own NT_PRSTATUS decoding
//   modules   ClrMD's DataTarget.EnumerateModules and per-region Image typing (--clrmd-typing only)
//   NT_FILE   read here (ClrMD keeps its file table internal): which bytes are file-backed
// Row naming (docs/specs/core-dumps.md §3.1 item 5, §3.2): a region holding a thread's SP is
// Stack (SOS MarkStackSpace, Linux); createdump's DIAGINFO page (§1.2) is labelled apart; else the
// parts covered by an NT_FILE mapping are Image (the
// region is split at NT_FILE boundaries: createdump merges adjacent same-permission mappings, so one
// PT_LOAD can straddle files); else the protection text (PAGE_READWRITE, PAGE_EXECUTE_READ, …).

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;

const string DiagInfoKind = "DIAGINFO (createdump, not process memory)";

static int Usage(string problem)
{
    Console.Error.WriteLine($"MemoryMapTruth: {problem}");
    Console.Error.WriteLine("usage: MemoryMapTruth CORE|MINIDUMP [--clrmd-typing]");
    return 2;
}

string? file = null;
bool clrmdTyping = false;
foreach (string arg in args)
{
    if (arg == "--clrmd-typing") clrmdTyping = true;
    else if (arg.StartsWith("--", StringComparison.Ordinal)) return Usage($"unknown switch {arg}");
    else if (file != null) return Usage("only one CORE or MINIDUMP");
    else file = arg;
}
if (file == null) return Usage("no CORE or MINIDUMP given");
if (!File.Exists(file)) return Usage($"{file}: no such file");

using DataTarget target = DataTarget.LoadDump(file);
IDataReader reader = target.DataReader;
if (reader.TargetPlatform == OSPlatform.Windows)
{
    if (clrmdTyping) return Usage("--clrmd-typing is for ELF cores (a minidump's types come from its MemoryInfoList)");
    Console.Out.Write(MinidumpTruth.Json(target, file));
    return 0;
}
if (reader.TargetPlatform != OSPlatform.Linux) return Usage($"{file}: not an ELF core (ClrMD reads it as {reader.TargetPlatform})");
if (reader is not IMemoryRegionReader regionReader) return Usage("this ClrMD data reader has no IMemoryRegionReader");
if (reader is not IThreadReader threadReader) return Usage("this ClrMD data reader has no IThreadReader");

// ---- threads: ClrMD's register context per OS thread --------------------------------------------
var threads = new List<(uint Id, ulong Sp)>();
foreach (uint id in threadReader.EnumerateOSThreadIds())
{
    threads.Add((id, Truth.StackPointer(reader, id)));
}

// ---- regions: ClrMD's list, then the NT_FILE split and the row names ------------------------------
List<FileMapping> fileMappings = ElfFileNote.Read(file);
fileMappings.Sort((a, b) => a.Start.CompareTo(b.Start));
var clrmdRegions = regionReader.EnumerateMemoryRegions().ToList();
var regions = new List<NamedRegion>();
foreach (MemoryRegion region in clrmdRegions)
{
    string protection = Truth.ElfProtectionText(region.Protect);
    string clrmdType = region.Type.ToString();
    ulong end = region.BaseAddress + region.Size;
    if (threads.Any(t => t.Sp >= region.BaseAddress && t.Sp < end))
    {
        regions.Add(new NamedRegion(region.BaseAddress, region.Size, protection, "Stack", null, clrmdType));
        continue;
    }
    // createdump's DIAGINFO page (core-dumps.md §1.2): one read-only 4 KB page at a fixed address,
    // not process memory; labelled so the summary does not count it as the process's PAGE_READONLY.
    ulong diagInfo = reader.PointerSize == 8 ? 0x7ffffff10000UL : 0x7fff1000UL;
    if (region.BaseAddress == diagInfo && region.Size == 0x1000 && protection == "PAGE_READONLY"
        && !fileMappings.Any(m => m.Start < end && m.End > region.BaseAddress))
    {
        regions.Add(new NamedRegion(region.BaseAddress, region.Size, protection, DiagInfoKind, null, clrmdType));
        continue;
    }
    ulong cursor = region.BaseAddress;
    void Add(ulong from, ulong to, string? path)
    {
        if (to > from) regions.Add(new NamedRegion(from, to - from, protection, path != null ? "Image" : protection, path, clrmdType));
    }
    foreach (FileMapping mapping in fileMappings)
    {
        if (mapping.End <= cursor || mapping.Start >= end) continue;
        ulong from = Math.Max(mapping.Start, cursor), to = Math.Min(mapping.End, end);
        Add(cursor, from, null);
        Add(from, to, mapping.Path);
        cursor = to;
    }
    Add(cursor, end, null);
}

var rows = Truth.Rows(regions.Select(r => (r.Kind, r.Size)));
// For comparison only: the rows if ClrMD's own per-PT_LOAD Image typing (the whole PT_LOAD lies
// inside one module's [base, base + size)) replaced the NT_FILE split.
var clrmdTypeRows = Truth.Rows(clrmdRegions.Select(r =>
{
    ulong end = r.BaseAddress + r.Size;
    string kind = threads.Any(t => t.Sp >= r.BaseAddress && t.Sp < end) ? "Stack"
        : r.Type == MemoryRegionType.Image ? "Image" : Truth.ElfProtectionText(r.Protect);
    return (kind, r.Size);
}));

var json = new StringBuilder();
json.Append("{\n");
json.Append("  \"file\": ").Append(Truth.JsonString(Path.GetFileName(file))).Append(",\n");
json.Append("  \"tool\": \"MemoryMapTruth on ClrMD ").Append(typeof(DataTarget).Assembly.GetName().Version).Append("\",\n");
json.Append("  \"architecture\": ").Append(Truth.JsonString(reader.Architecture.ToString())).Append(",\n");
json.Append("  \"pointerSize\": ").Append(reader.PointerSize).Append(",\n");
json.Append("  \"clrmdRegionCount\": ").Append(clrmdRegions.Count).Append(",\n");
json.Append("  \"fileMappingCount\": ").Append(fileMappings.Count).Append(",\n");
if (clrmdTyping) json.Append("  \"clrmdModuleCount\": ").Append(target.EnumerateModules().Count()).Append(",\n");
json.Append("  \"threads\": [\n");
json.Append(string.Join(",\n", threads.Select(t => $"    {{\"id\": {t.Id}, \"sp\": \"{Truth.Hex(t.Sp)}\"}}")));
json.Append("\n  ],\n");
Truth.AppendRows(json, "rows", rows);
if (clrmdTyping)
{
    json.Append(",\n");
    Truth.AppendRows(json, "clrmdTypeRows", clrmdTypeRows);
}
json.Append(",\n  \"regions\": [\n");
json.Append(string.Join(",\n", regions.Select(r =>
    $"    {{\"start\": \"{Truth.Hex(r.Start)}\", \"size\": {r.Size}, \"protection\": {Truth.JsonString(r.Protection)}, \"kind\": {Truth.JsonString(r.Kind)}, " +
    $"\"file\": {(r.File == null ? "null" : Truth.JsonString(r.File))}" + (clrmdTyping ? $", \"clrmdType\": {Truth.JsonString(r.ClrmdType)}" : "") + "}")));
json.Append("\n  ]\n}\n");
Console.Out.Write(json.ToString());
return 0;

/// <summary>What the ELF and the minidump truths share: stack pointers, row grouping, JSON text.</summary>
static class Truth
{
    public static ulong StackPointer(IDataReader reader, uint threadId)
    {
        switch (reader.Architecture)
        {
            case Architecture.X64:
            {
                byte[] context = new byte[AMD64Context.Size];
                if (!reader.GetThreadContext(threadId, AMD64Context.ContextControl | AMD64Context.ContextInteger, context))
                    throw new InvalidOperationException($"ClrMD has no register context for thread {threadId}");
                return MemoryMarshal.Read<AMD64Context>(context).Rsp;
            }
            case Architecture.Arm64:
            {
                byte[] context = new byte[Arm64Context.Size];
                if (!reader.GetThreadContext(threadId, Arm64Context.ContextControl | Arm64Context.ContextInteger, context))
                    throw new InvalidOperationException($"ClrMD has no register context for thread {threadId}");
                return MemoryMarshal.Read<Arm64Context>(context).Sp;
            }
            default:
                throw new NotSupportedException($"stack pointers of {reader.Architecture} threads are not read");
        }
    }

    // SOS prints Windows PAGE_* names; Linux p_flags map as R → READONLY, RW → READWRITE,
    // RX → EXECUTE_READ, RWX → EXECUTE_READWRITE, X → EXECUTE (core-dumps.md §3.2).
    public static string ElfProtectionText(MemoryRegionProtect protect)
    {
        bool r = protect.HasFlag(MemoryRegionProtect.Read), w = protect.HasFlag(MemoryRegionProtect.Write);
        bool x = protect.HasFlag(MemoryRegionProtect.Execute);
        if (x) return w ? "PAGE_EXECUTE_READWRITE" : r ? "PAGE_EXECUTE_READ" : "PAGE_EXECUTE";
        if (w) return "PAGE_READWRITE";
        if (r) return "PAGE_READONLY";
        return "PAGE_NOACCESS";
    }

    // maddress -summary: one row per name, Count and Size (sum of end − start), largest first.
    public static List<(string Kind, int Count, ulong Bytes)> Rows(IEnumerable<(string Kind, ulong Size)> regions) =>
        regions.GroupBy(r => r.Kind)
            .Select(g => (g.Key, g.Count(), g.Aggregate(0UL, (sum, r) => sum + r.Size)))
            .OrderByDescending(row => row.Item3).ThenBy(row => row.Key, StringComparer.Ordinal)
            .ToList();

    public static void AppendRows(StringBuilder json, string name, List<(string Kind, int Count, ulong Bytes)> rows)
    {
        json.Append("  ").Append(JsonString(name)).Append(": [\n");
        json.Append(string.Join(",\n", rows.Select(r => $"    {{\"kind\": {JsonString(r.Kind)}, \"count\": {r.Count}, \"bytes\": {r.Bytes}}}")));
        json.Append("\n  ]");
    }

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string JsonString(string value) =>
        JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

record NamedRegion(ulong Start, ulong Size, string Protection, string Kind, string? File, string ClrmdType);

record FileMapping(ulong Start, ulong End, string Path);

/// <summary>
/// The NT_FILE note of a 64-bit little-endian ELF core (the kernel's / createdump's layout: count,
/// page size, then (start, end, page offset) per mapping, then the NUL-terminated paths). ClrMD
/// parses it too but keeps the table internal; this reads it with nothing but BinaryReader.
/// </summary>
static class ElfFileNote
{
    const uint PtNote = 4;
    const uint NtFile = 0x46494c45;
    const ushort PnXnum = 0xffff;

    public static List<FileMapping> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var bin = new BinaryReader(stream);
        byte[] ident = bin.ReadBytes(16);
        if (ident.Length < 16 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F')
            throw new InvalidDataException($"{path}: no ELF magic");
        if (ident[4] != 2 || ident[5] != 1) throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF");
        stream.Position = 32;
        ulong phoff = bin.ReadUInt64();
        ulong shoff = bin.ReadUInt64();
        stream.Position = 56;
        uint phnum = bin.ReadUInt16();
        if (phnum == PnXnum)
        {
            stream.Position = (long)shoff + 44; // sh_info of section header 0
            phnum = bin.ReadUInt32();
        }
        var result = new List<FileMapping>();
        for (uint i = 0; i < phnum; i++)
        {
            stream.Position = (long)phoff + i * 56;
            uint type = bin.ReadUInt32();
            bin.ReadUInt32(); // p_flags
            ulong offset = bin.ReadUInt64();
            bin.ReadUInt64(); // p_vaddr
            bin.ReadUInt64(); // p_paddr
            ulong filesz = bin.ReadUInt64();
            if (type != PtNote) continue;
            stream.Position = (long)offset;
            byte[] notes = bin.ReadBytes(checked((int)filesz));
            for (int at = 0; at + 12 <= notes.Length;)
            {
                int nameSize = BitConverter.ToInt32(notes, at), descSize = BitConverter.ToInt32(notes, at + 4);
                uint noteType = BitConverter.ToUInt32(notes, at + 8);
                int desc = at + 12 + ((nameSize + 3) & ~3);
                if (noteType == NtFile) result.AddRange(Parse(notes.AsSpan(desc, descSize)));
                at = desc + ((descSize + 3) & ~3);
            }
        }
        return result;
    }

    static IEnumerable<FileMapping> Parse(ReadOnlySpan<byte> desc)
    {
        ulong count = BitConverter.ToUInt64(desc[..8]);
        var list = new List<FileMapping>();
        int names = 16 + checked((int)count * 24);
        for (int i = 0; i < (int)count; i++)
        {
            ulong start = BitConverter.ToUInt64(desc.Slice(16 + i * 24, 8));
            ulong end = BitConverter.ToUInt64(desc.Slice(24 + i * 24, 8));
            int nul = desc[names..].IndexOf((byte)0);
            string name = Encoding.UTF8.GetString(desc.Slice(names, nul < 0 ? desc.Length - names : nul));
            names += (nul < 0 ? desc.Length - names : nul) + 1;
            list.Add(new FileMapping(start, end, name));
        }
        return list;
    }
}
