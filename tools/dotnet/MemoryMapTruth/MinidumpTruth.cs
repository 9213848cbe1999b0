// The memory map of a Windows minidump as ClrMD sees it, named by SOS's maddress rules as
// src/formats/minidump/minidump-reader.ts (minidumpMemoryMap) and src/heap/memory-map.ts
// (regionKindName) name it. Compared by src/formats/minidump/minidump-truth.test.ts.
//
// Where each fact comes from (all ClrMD 4.2, MinidumpReader):
//   memoryInfo  IMemoryRegionReader.EnumerateMemoryRegions(): ClrMD's reading of MemoryInfoListStream
//               (every MINIDUMP_MEMORY_INFO, free and reserved included; protection as ClrMD's flags)
//   threads     IThreadReader: OS thread ids (ThreadListStream order), TEB; GetThreadContext read as
//               AMD64Context.Rsp / Arm64Context.Sp; IThreadInfoReader: the captured stack range
//               (MINIDUMP_THREAD.Stack); IDataReader.Read: the TEB's NT_TIB StackBase (+0x08) and
//               StackLimit (+0x10), the pointer at SP and a SHA-256 of the captured stack, all through
//               ClrMD's Memory64List/MemoryList segments
//   modules     DataTarget.EnumerateModules(): ImageBase, ImageSize, FileName (ModuleListStream)
// Row naming (docs/specs/core-dumps.md §3.1 item 5, §3.2): MEM_FREE is dropped, and MEM_RESERVE too
// (maddress without -reserve); a committed region of the allocation that holds a thread's stack is
// Stack — the allocation holding the TEB's StackLimit (what !address calls Stack), or the SP's when
// the TEB is not in the dump; else MEM_IMAGE is Image (file: the module whose
// [ImageBase, ImageBase + ImageSize) holds the region's base); else the protection text, with MAPPED
// for PAGE when the type is MEM_MAPPED. !address's other usages (Teb, Peb, Heap, FileMapping) need
// the debugger and symbols and are not named, here or in our reader.

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;

static class MinidumpTruth
{
    /// <summary>x64 TEB → NT_TIB.StackBase / StackLimit (winnt.h NT_TIB64; core-dumps.md §2).</summary>
    const ulong TibStackBase = 0x08, TibStackLimit = 0x10;

    record Thread(uint Id, ulong Sp, ulong Teb, ulong StackStart, ulong StackSize, ulong? TibStackBase, ulong? TibStackLimit,
        ulong? WordAtSp, int StackBytesRead, string StackSha256);

    record Module(ulong Base, long Size, string Name);

    public static string Json(DataTarget target, string file)
    {
        IDataReader reader = target.DataReader;
        if (reader is not IMemoryRegionReader regionReader) throw new NotSupportedException("this ClrMD minidump reader has no IMemoryRegionReader");
        if (reader is not IThreadReader threadReader) throw new NotSupportedException("this ClrMD minidump reader has no IThreadReader");
        if (reader is not IThreadInfoReader threadInfoReader) throw new NotSupportedException("this ClrMD minidump reader has no IThreadInfoReader");

        var threads = new List<Thread>();
        foreach (uint id in threadReader.EnumerateOSThreadIds())
        {
            ulong sp = Truth.StackPointer(reader, id);
            ulong teb = threadReader.GetThreadTeb(id);
            if (!threadInfoReader.TryGetThreadInfo(id, out ThreadInfo info))
                throw new InvalidDataException($"ClrMD has no MINIDUMP_THREAD for thread {id}");
            // ClrMD's ThreadInfo.StackBase is Stack.StartOfMemoryRange + Stack.Memory.DataSize.
            ulong stackStart = info.StackBase - info.StackSize;
            ulong? tibBase = teb != 0 && reader.ReadPointer(teb + TibStackBase, out ulong b) ? b : null;
            ulong? tibLimit = teb != 0 && reader.ReadPointer(teb + TibStackLimit, out ulong l) ? l : null;
            ulong? wordAtSp = reader.ReadPointer(sp, out ulong w) ? w : null;
            byte[] stack = new byte[checked((int)info.StackSize)];
            int read = reader.Read(stackStart, stack);
            threads.Add(new Thread(id, sp, teb, stackStart, info.StackSize, tibBase, tibLimit, wordAtSp, read,
                Convert.ToHexStringLower(SHA256.HashData(stack.AsSpan(0, read)))));
        }

        var modules = target.EnumerateModules().Select(m => new Module(m.ImageBase, m.ImageSize, m.FileName)).OrderBy(m => m.Base).ToList();
        var memoryInfo = regionReader.EnumerateMemoryRegions().ToList();

        // The allocations that hold a stack: by the TEB's StackLimit where the TEB is in the dump, else by SP.
        var stackAllocations = new HashSet<ulong>();
        foreach (Thread thread in threads)
        {
            ulong inStack = thread.TibStackLimit ?? thread.Sp;
            MemoryRegion? holder = memoryInfo.Cast<MemoryRegion?>().FirstOrDefault(r => inStack >= r!.Value.BaseAddress && inStack < r.Value.BaseAddress + r.Value.Size);
            if (holder is MemoryRegion h && h.State != MemoryRegionState.Free) stackAllocations.Add(h.AllocationBase);
        }

        var regions = new List<(ulong Start, ulong Size, string Protection, string Kind, string? File)>();
        foreach (MemoryRegion r in memoryInfo)
        {
            if (r.State != MemoryRegionState.Commit) continue; // MEM_FREE always, MEM_RESERVE without -reserve
            string protection = ProtectionText(r.Protect, r.Type);
            string? path = r.Type == MemoryRegionType.Image
                ? modules.FirstOrDefault(m => r.BaseAddress >= m.Base && r.BaseAddress < m.Base + (ulong)m.Size)?.Name
                : null;
            string kind = stackAllocations.Contains(r.AllocationBase) ? "Stack"
                : r.Type == MemoryRegionType.Image || path != null ? "Image"
                : protection;
            regions.Add((r.BaseAddress, r.Size, protection, kind, path));
        }
        var rows = Truth.Rows(regions.Select(r => (r.Kind, r.Size)));

        var json = new StringBuilder();
        json.Append("{\n");
        json.Append("  \"file\": ").Append(Truth.JsonString(Path.GetFileName(file))).Append(",\n");
        json.Append("  \"tool\": \"MemoryMapTruth on ClrMD ").Append(typeof(DataTarget).Assembly.GetName().Version).Append("\",\n");
        json.Append("  \"format\": \"minidump\",\n");
        json.Append("  \"architecture\": ").Append(Truth.JsonString(reader.Architecture.ToString())).Append(",\n");
        json.Append("  \"pointerSize\": ").Append(reader.PointerSize).Append(",\n");
        json.Append("  \"clrmdRegionCount\": ").Append(memoryInfo.Count).Append(",\n");
        json.Append("  \"threads\": [\n");
        json.Append(string.Join(",\n", threads.Select(t =>
            $"    {{\"id\": {t.Id}, \"sp\": \"{Truth.Hex(t.Sp)}\", \"teb\": \"{Truth.Hex(t.Teb)}\", " +
            $"\"stackStart\": \"{Truth.Hex(t.StackStart)}\", \"stackSize\": {t.StackSize}, " +
            $"\"tibStackBase\": {HexOrNull(t.TibStackBase)}, \"tibStackLimit\": {HexOrNull(t.TibStackLimit)}, " +
            $"\"wordAtSp\": {HexOrNull(t.WordAtSp)}, \"stackBytesRead\": {t.StackBytesRead}, \"stackSha256\": \"{t.StackSha256}\"}}")));
        json.Append("\n  ],\n");
        json.Append("  \"modules\": [\n");
        json.Append(string.Join(",\n", modules.Select(m =>
            $"    {{\"base\": \"{Truth.Hex(m.Base)}\", \"size\": {m.Size}, \"name\": {Truth.JsonString(m.Name)}}}")));
        json.Append("\n  ],\n");
        Truth.AppendRows(json, "rows", rows);
        json.Append(",\n  \"memoryInfo\": [\n");
        json.Append(string.Join(",\n", memoryInfo.Select(r =>
            $"    {{\"base\": \"{Truth.Hex(r.BaseAddress)}\", \"allocationBase\": \"{Truth.Hex(r.AllocationBase)}\", " +
            $"\"size\": {r.Size}, " +
            $"\"state\": {Truth.JsonString(r.State.ToString())}, \"protection\": {Truth.JsonString(ProtectionText(r.Protect, MemoryRegionType.Private))}, " +
            $"\"type\": {Truth.JsonString(r.Type.ToString())}}}")));
        json.Append("\n  ],\n  \"regions\": [\n");
        json.Append(string.Join(",\n", regions.Select(r =>
            $"    {{\"start\": \"{Truth.Hex(r.Start)}\", \"size\": {r.Size}, \"protection\": {Truth.JsonString(r.Protection)}, \"kind\": {Truth.JsonString(r.Kind)}, " +
            $"\"file\": {(r.File == null ? "null" : Truth.JsonString(r.File))}}}")));
        json.Append("\n  ]\n}\n");
        return json.ToString();
    }

    static string HexOrNull(ulong? value) => value is ulong v ? $"\"{Truth.Hex(v)}\"" : "null";

    /// <summary>
    /// ClrMD's protection flags back to the PAGE_* names SOS prints (winnt.h values: one base protection,
    /// then PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE, joined by ", "); PAGE → MAPPED for MEM_MAPPED.
    /// </summary>
    public static string ProtectionText(MemoryRegionProtect protect, MemoryRegionType type)
    {
        bool r = protect.HasFlag(MemoryRegionProtect.Read), w = protect.HasFlag(MemoryRegionProtect.Write);
        bool x = protect.HasFlag(MemoryRegionProtect.Execute), copy = protect.HasFlag(MemoryRegionProtect.WriteCopy);
        var names = new List<string>();
        if (protect.HasFlag(MemoryRegionProtect.NoAccess)) names.Add("PAGE_NOACCESS");
        else if (x) names.Add(copy ? "PAGE_EXECUTE_WRITECOPY" : w ? "PAGE_EXECUTE_READWRITE" : r ? "PAGE_EXECUTE_READ" : "PAGE_EXECUTE");
        else if (copy) names.Add("PAGE_WRITECOPY");
        else if (w) names.Add("PAGE_READWRITE");
        else if (r) names.Add("PAGE_READONLY");
        if (protect.HasFlag(MemoryRegionProtect.Guard)) names.Add("PAGE_GUARD");
        if (protect.HasFlag(MemoryRegionProtect.NoCache)) names.Add("PAGE_NOCACHE");
        if (protect.HasFlag(MemoryRegionProtect.WriteCombine)) names.Add("PAGE_WRITECOMBINE");
        string text = names.Count > 0 ? string.Join(", ", names) : "PAGE_UNKNOWN";
        return type == MemoryRegionType.Mapped ? text.Replace("PAGE", "MAPPED", StringComparison.Ordinal) : text;
    }
}
