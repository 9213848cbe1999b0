// The shapes: generic instantiations (nested in each other, over value and reference types), nested
// types (generic inside generic), arrays (single-dimension, jagged, multi-dimensional, of structs and
// enums), a large object (LOH), a pinned array (POH), boxed values, strings (ASCII and not), and a
// CancellationTokenSource with registrations (the incident's shape, for the stages with references).
using System;
using System.Collections.Generic;
using System.Threading;

var kept = new List<object>();
var byName = new Dictionary<string, List<int>>();
for (int i = 0; i < 300; i++) byName["key " + i] = new List<int> { i, i * 2 };
kept.Add(byName);
kept.Add(new Outer<string>.Inner<int>[] { new Outer<string>.Inner<int>(), new Outer<string>.Inner<int>() });
kept.Add(new int[3, 4]);
kept.Add(new string[2, 2, 2]);
kept.Add(new long[][] { new long[5], new long[7] });
kept.Add(new Point[10]);
kept.Add(new DayOfWeek[7]);
kept.Add(new KeyValuePair<string, Point>[4]);
kept.Add(new byte[200_000]);
kept.Add(GC.AllocateArray<byte>(1000, pinned: true));
kept.Add((object)42);
kept.Add((object)new Point(1, 2));
kept.Add((object)3.5);
kept.Add("héllo wörld — ✓");
kept.Add(new Tuple<int, string, Point?>(1, "one", null));
kept.Add(new Dictionary<(int, string), Outer<int>>());
kept.Add(new HashSet<Guid> { Guid.Empty });
var source = new CancellationTokenSource();
for (int i = 0; i < 50; i++) source.Token.Register(static state => { }, i);
kept.Add(source);
for (int i = 0; i < 2000; i++) kept.Add("item " + i);
Console.WriteLine("ready " + Environment.ProcessId);
Thread.Sleep(600_000);
GC.KeepAlive(kept);

record struct Point(int X, int Y);

class Outer<T>
{
    public class Inner<U>
    {
        public T? First;
        public U? Second;
    }
}
