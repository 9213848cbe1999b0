// Usage: RuntimeTruth FULL-CORE  →  JSON on stdout (see RuntimeTruth.csproj).
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

using var target = DataTarget.LoadDump(args[0]);
var clr = target.ClrVersions.Single();
var truth = new Dictionary<string, object?>
{
    ["clrVersion"] = clr.Version.ToString(),
    ["moduleBase"] = $"0x{clr.ModuleInfo.ImageBase:x}",
    ["moduleFile"] = clr.ModuleInfo.FileName,
};
try
{
    // The DAC beside the libcoreclr.so the process loaded (ClrMD does not download one on Linux).
    var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
    using var runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
    var heap = runtime.Heap;
    truth["objectMethodTable"] = $"0x{heap.ObjectType.MethodTable:x}";
    truth["stringMethodTable"] = $"0x{heap.StringType.MethodTable:x}";
    truth["freeMethodTable"] = $"0x{heap.FreeType.MethodTable:x}";
}
catch (Exception e)
{
    truth["runtimeError"] = e.Message;
}
Console.WriteLine(JsonSerializer.Serialize(truth, new JsonSerializerOptions { WriteIndented = true }));
