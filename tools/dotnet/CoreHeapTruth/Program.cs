// Usage: CoreHeapTruth FULL-CORE [SAMPLE-EVERY]  →  JSON on stdout (see CoreHeapTruth.csproj).
// Each sampled object: its type, size, references, and a string's value or the fields of its type
// (name, offset from the object's start, element type, and the value of a primitive).
// Without SAMPLE-EVERY, every Nth object in walk order is sampled so that about 500 are.
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

using var target = DataTarget.LoadDump(args[0]);
var clr = target.ClrVersions.Single();
var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
using var runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
var heap = runtime.Heap;
long count = heap.EnumerateObjects().LongCount();
long every = args.Length > 1 ? long.Parse(args[1]) : Math.Max(1, count / 500);
string Hex(ulong value) => $"0x{value:x}";

var segments = heap.Segments.Select(s => new Dictionary<string, object?>
{
    ["start"] = Hex(s.Start),
    ["objectsStart"] = Hex(s.ObjectRange.Start),
    ["objectsEnd"] = Hex(s.ObjectRange.End),
    ["kind"] = s.Kind.ToString(),
    ["heap"] = s.SubHeap.Index,
}).ToList();
var contexts = heap.EnumerateAllocationContexts().Select(c => new[] { Hex(c.Start), Hex(c.End) }).ToList();

var types = new Dictionary<ulong, (string name, long count, long bytes)>();
var sample = new List<Dictionary<string, object?>>();
long objects = 0, bytes = 0;
foreach (var obj in heap.EnumerateObjects())
{
    var type = obj.Type;
    ulong mt = type?.MethodTable ?? 0;
    ulong size = obj.Size;
    types.TryGetValue(mt, out var row);
    types[mt] = (type?.Name ?? "<unknown>", row.count + 1, row.bytes + (long)size);
    if (objects % every == 0)
    {
        var entry = new Dictionary<string, object?>
        {
            ["address"] = Hex(obj.Address),
            ["methodTable"] = Hex(mt),
            ["type"] = type?.Name,
            ["size"] = size,
            ["references"] = obj.IsFree ? new List<string>() : obj.EnumerateReferenceAddresses(carefully: true).Select(Hex).ToList(),
        };
        if (type?.IsString == true) entry["string"] = obj.AsString(1 << 20);
        else if (type is not null && !type.IsArray && !obj.IsFree)
            entry["fields"] = type.Fields.Select(f => new Dictionary<string, object?>
            {
                ["name"] = f.Name,
                // From the object's start (ClrMD's Offset counts from after the MethodTable pointer).
                ["offset"] = f.Offset + IntPtr.Size,
                ["elementType"] = f.ElementType.ToString(),
                ["value"] = f.ElementType switch
                {
                    ClrElementType.Boolean => f.Read<bool>(obj.Address, false).ToString().ToLowerInvariant(),
                    ClrElementType.Int32 => f.Read<int>(obj.Address, false).ToString(),
                    ClrElementType.UInt32 => f.Read<uint>(obj.Address, false).ToString(),
                    ClrElementType.Int64 => f.Read<long>(obj.Address, false).ToString(),
                    ClrElementType.UInt64 => f.Read<ulong>(obj.Address, false).ToString(),
                    ClrElementType.Int16 => f.Read<short>(obj.Address, false).ToString(),
                    ClrElementType.UInt16 => f.Read<ushort>(obj.Address, false).ToString(),
                    ClrElementType.Int8 => f.Read<sbyte>(obj.Address, false).ToString(),
                    ClrElementType.UInt8 => f.Read<byte>(obj.Address, false).ToString(),
                    ClrElementType.Double => f.Read<double>(obj.Address, false).ToString("R"),
                    _ => null,
                },
            }).ToList();
        sample.Add(entry);
    }
    objects++;
    bytes += (long)size;
}
// Roots by kind (ClrMD's RootKind: StrongHandle, PinnedHandle, Stack, FinalizerQueue, …): how many root
// entries, the distinct objects they hold, and those objects (for the kinds with few).
var roots = heap.EnumerateRoots().GroupBy(r => r.RootKind.ToString()).ToDictionary(g => g.Key, g =>
{
    var objects = g.Select(r => r.Object.Address).Where(a => a != 0).Distinct().OrderBy(a => a).ToList();
    return new Dictionary<string, object?>
    {
        ["entries"] = g.Count(),
        ["objects"] = objects.Count,
        ["addresses"] = objects.Count <= 2000 ? objects.Select(Hex).ToList() : null,
    };
});
var truth = new Dictionary<string, object?>
{
    ["clrVersion"] = clr.Version.ToString(),
    ["server"] = heap.IsServer,
    ["subHeaps"] = heap.SubHeaps.Length,
    ["objects"] = objects,
    ["bytes"] = bytes,
    ["segments"] = segments,
    ["allocationContexts"] = contexts,
    ["roots"] = roots,
    ["histogram"] = types.OrderByDescending(t => t.Value.bytes).ThenBy(t => t.Key).Select(t => new Dictionary<string, object?>
    {
        ["methodTable"] = Hex(t.Key), ["name"] = t.Value.name, ["count"] = t.Value.count, ["bytes"] = t.Value.bytes,
    }).ToList(),
    ["sampleEvery"] = every,
    ["sample"] = sample,
};
Console.WriteLine(JsonSerializer.Serialize(truth, new JsonSerializerOptions { WriteIndented = true }));
