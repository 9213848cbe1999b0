// GcdumpTruth: canonical facts about a .gcdump as Microsoft's own reader (GCHeapDump +
// Graphs.MemoryGraph, the classes dotnet-gcdump and PerfView use) sees them. Our TypeScript
// reader computes the same JSON in src/formats/gcdump/truth.test.ts and must agree exactly.
//
// Usage: GcdumpTruth FILE [--nodes] [--nodes-out PATH] [--time]
//   (no switch)       canonical JSON on stdout (shape in README.md)
//   --nodes           also print every node line (the lines that nodesSha256 hashes) after the JSON
//   --nodes-out PATH  write those lines to PATH instead of stdout
//   --time            print only {"file":…, "loadSeconds": s}, timing the GCHeapDump load alone

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastSerialization;
using Graphs;

static int Usage(string problem)
{
    Console.Error.WriteLine($"GcdumpTruth: {problem}");
    Console.Error.WriteLine("usage: GcdumpTruth FILE [--nodes] [--nodes-out PATH] [--time]");
    return 2;
}

string? file = null;
bool printNodes = false, timeOnly = false;
string? nodesOut = null;
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--nodes": printNodes = true; break;
        case "--time": timeOnly = true; break;
        case "--nodes-out":
            if (a + 1 >= args.Length) return Usage("--nodes-out needs a path");
            nodesOut = args[++a];
            printNodes = true;
            break;
        default:
            if (args[a].StartsWith("--", StringComparison.Ordinal)) return Usage($"unknown switch {args[a]}");
            if (file != null) return Usage("only one FILE");
            file = args[a];
            break;
    }
}
if (file == null) return Usage("no FILE given");
if (!File.Exists(file)) return Usage($"{file}: no such file");

var fileName = Path.GetFileName(file);
var loadClock = Stopwatch.StartNew();
var dump = LoadGcHeapDump(file);
MemoryGraph graph = dump.MemoryGraph;
loadClock.Stop();

if (timeOnly)
{
    Console.WriteLine("{\"file\":" + JsonString(fileName) + ",\"loadSeconds\":" +
        loadClock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + "}");
    return 0;
}

int nodeCount = (int)graph.NodeIndexLimit;
int typeCount = (int)graph.NodeTypeIndexLimit;

// Type names once, by type index (NodeType.Name is what PerfView shows; FullName adds the module).
var typeStorage = graph.AllocTypeNodeStorage();
var typeNames = new string[typeCount];
for (int t = 0; t < typeCount; t++)
    typeNames[t] = graph.GetType((NodeTypeIndex)t, typeStorage).Name ?? "";

// Per-name rows over DEFINED nodes only: a node that was referenced but never described (offset 0
// in the node table, gcdump spec §4.3) is no object of any type. Graph.IsDefined is TraceEvent's
// own test for that.
var rows = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
var nodeStorage = graph.AllocNodeStorage();
using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
TextWriter? nodeWriter = null;
if (printNodes)
    nodeWriter = nodesOut != null ? new StreamWriter(nodesOut, false, new UTF8Encoding(false)) : null;
var deferredNodeLines = printNodes && nodesOut == null ? new StringBuilder() : null;

var line = new StringBuilder();
for (int i = 0; i < nodeCount; i++)
{
    var node = graph.GetNode((NodeIndex)i, nodeStorage);
    string typeName = typeNames[(int)node.TypeIndex];
    if (graph.IsDefined((NodeIndex)i))
    {
        rows.TryGetValue(typeName, out var row);
        rows[typeName] = (row.Count + 1, row.Bytes + node.Size);
    }

    line.Clear();
    line.Append(i).Append('\t').Append(typeName).Append('\t').Append(node.Size).Append('\t')
        .Append("0x").Append(graph.GetAddress((NodeIndex)i).ToString("x", CultureInfo.InvariantCulture)).Append('\t');
    bool first = true;
    for (var child = node.GetFirstChildIndex(); child != NodeIndex.Invalid; child = node.GetNextChildIndex())
    {
        if (!first) line.Append(',');
        line.Append((int)child);
        first = false;
    }
    line.Append('\n');
    string text = line.ToString();
    sha.AppendData(Encoding.UTF8.GetBytes(text));
    if (nodeWriter != null) nodeWriter.Write(text);
    else deferredNodeLines?.Append(text);
}
nodeWriter?.Dispose();

var json = new StringBuilder();
json.Append("{\n");
json.Append("  \"file\": ").Append(JsonString(fileName)).Append(",\n");
json.Append("  \"nodeCount\": ").Append(nodeCount).Append(",\n");
json.Append("  \"totalSize\": ").Append(graph.TotalSize).Append(",\n");
json.Append("  \"rootIndex\": ").Append((int)graph.RootIndex).Append(",\n");
json.Append("  \"typeCount\": ").Append(typeCount).Append(",\n");
json.Append("  \"types\": [");
bool firstRow = true;
foreach (var name in rows.Keys.OrderBy(n => n, StringComparer.Ordinal))
{
    var (count, bytes) = rows[name];
    json.Append(firstRow ? "\n" : ",\n");
    json.Append("    {\"name\": ").Append(JsonString(name)).Append(", \"count\": ").Append(count)
        .Append(", \"bytes\": ").Append(bytes).Append('}');
    firstRow = false;
}
json.Append(firstRow ? "],\n" : "\n  ],\n");
json.Append("  \"nodesSha256\": \"").Append(Convert.ToHexStringLower(sha.GetHashAndReset())).Append("\"\n");
json.Append("}\n");

var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
stdout.Write(json.ToString());
if (deferredNodeLines != null) stdout.Write(deferredNodeLines.ToString());
stdout.Flush();
return 0;

// `new GCHeapDump(file)`, falling back to the same deserialization with one class swapped when
// dotnet-gcdump's copy of InteropInfo throws. Its FromStream sorts COM modules with
// `(int)(one.baseAddress - two.baseAddress)`, and dotnet-gcdump is compiled with overflow checks,
// so any file whose COM module bases are more than 2 GiB apart (PerfView's 2014 WPF sample) fails
// with "Failed to compare two elements in the array". PerfView itself compiles that line unchecked.
// The interop table is not part of the graph and nothing here reads it.
static GCHeapDump LoadGcHeapDump(string path)
{
    try
    {
        return new GCHeapDump(path);
    }
    catch (ApplicationException e) when (e.Message.Contains("Failed to compare two elements", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"GcdumpTruth: {Path.GetFileName(path)}: GCHeapDump threw in InteropInfo's module sort; " +
            "re-reading with the interop table skipped (see Program.cs)");
    }
    var deserializer = new Deserializer(path, SerializationSettings.Default.WithStreamLabelWidth(StreamLabelWidth.FourBytes));
    var dump = (GCHeapDump)Activator.CreateInstance(typeof(GCHeapDump), nonPublic: true)!;
    // The same factories as GCHeapDump's private constructor, but for InteropInfo.
    deserializer.RegisterFactory(typeof(MemoryGraph), () => new MemoryGraph(1));
    deserializer.RegisterFactory(typeof(Graphs.Module), () => new Graphs.Module(0));
    deserializer.RegisterFactory(typeof(InteropInfo), () => new InteropInfoSkipped());
    deserializer.RegisterFactory(typeof(GCHeapDump), () => dump);
    deserializer.RegisterFactory(typeof(GCHeapDumpSegment), () => new GCHeapDumpSegment());
    deserializer.RegisterFactory(typeof(JSHeapInfo), () => new JSHeapInfo());
    deserializer.RegisterFactory(typeof(DotNetHeapInfo), () => new DotNetHeapInfo());
    deserializer.GetEntryObject();
    return dump;
}

// Type names are untrusted text from the dump: JSON-escape them, but keep non-ASCII readable.
static string JsonString(string value) =>
    JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

/// <summary>Reads (and drops) an InteropInfo record field by field as InteropInfo.FromStream does,
/// without the module sort that overflows (see LoadGcHeapDump).</summary>
sealed class InteropInfoSkipped : InteropInfo, IFastSerializable
{
    void IFastSerializable.ToStream(Serializer serializer) => throw new NotSupportedException();

    void IFastSerializable.FromStream(Deserializer deserializer)
    {
        if (deserializer.ReadInt() == 0) return;   // count of RCWs + CCWs
        int rcws = deserializer.ReadInt(), ccws = deserializer.ReadInt();
        int interfaces = deserializer.ReadInt(), modules = deserializer.ReadInt();
        for (int i = 0; i < rcws; i++)
        {
            deserializer.ReadInt(); deserializer.ReadInt();
            deserializer.ReadInt64(); deserializer.ReadInt64(); deserializer.ReadInt64();
            deserializer.ReadInt(); deserializer.ReadInt();
        }
        for (int i = 0; i < ccws; i++)
        {
            deserializer.ReadInt(); deserializer.ReadInt();
            deserializer.ReadInt64(); deserializer.ReadInt64();
            deserializer.ReadInt(); deserializer.ReadInt();
        }
        for (int i = 0; i < interfaces; i++)
        {
            deserializer.ReadByte(); deserializer.ReadInt(); deserializer.ReadInt();
            deserializer.ReadInt64(); deserializer.ReadInt64(); deserializer.ReadInt64();
        }
        for (int i = 0; i < modules; i++)
        {
            deserializer.ReadInt64(); deserializer.ReadInt(); deserializer.ReadInt();
            deserializer.ReadString();
        }
    }
}
