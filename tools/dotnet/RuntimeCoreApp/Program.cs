// A process to take a core of: it allocates a little, says its pid, and waits (tools/capture-runtime-cores.sh).
var kept = new System.Collections.Generic.List<string>();
for (int i = 0; i < 1000; i++) kept.Add("item " + i);
System.Console.WriteLine("ready " + System.Environment.ProcessId);
System.Threading.Thread.Sleep(600_000);
System.GC.KeepAlive(kept);
