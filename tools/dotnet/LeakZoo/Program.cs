// LeakZoo: `LeakZoo <scenario> [--leak on|off]` does one kind of work N times, each time in the way
// that leaks (or, with --leak off, in the way that does not), forces a full GC, prints
// `READY <pid> <scenario> <leaked count>` and waits for a line on stdin so a script can take a
// gcdump/full dump of it. Every count is distinct, so a finding's number can only come from its leak.
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace LeakZoo;

/// <summary>What each simulated request carries: a 1 KB body, the bytes a leak keeps alive.</summary>
public sealed class RequestContext
{
    public readonly int Id;
    public readonly byte[] Body = new byte[1024];
    public int Touched;
    public RequestContext(int id) { Id = id; Body[0] = (byte)id; }
    public void Touch() => Touched++;
}

public static partial class Scenarios
{
    // Long-lived state the leaks hang off, each held by a static field.
    public static readonly CancellationTokenSource ApplicationStopping = new();
    public static readonly CancellationTokenSource Shutdown = new();
    public static readonly IConfigurationRoot Configuration =
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Feature:Enabled"] = "true" }).Build();
    public static readonly ConcurrentDictionary<string, RequestContext> ResponseCache = new();
    public static readonly MemoryCache Unused = new(new MemoryCacheOptions());

    public static readonly Dictionary<string, (int Count, Action<int, bool> Run)> All = new()
    {
        ["linked-token"] = (9_317, LinkedToken),
        ["token-register"] = (7_411, TokenRegister),
        ["change-token"] = (5_209, ChangeTokenOnChange),
        ["event"] = (3_307, EventSubscription),
        ["timer"] = (4_093, Timers),
        ["static-cache"] = (12_007, StaticCache),
        ["page"] = (4, Pages),
        ["audit-trail"] = (6_011, AuditTrailRecords),
    };

    // CreateLinkedTokenSource registers the linked source on the parent token; not disposing it
    // leaves that registration (and the linked source, and what its own registrations capture).
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void LinkedToken(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var context = new RequestContext(i);
            var linked = CancellationTokenSource.CreateLinkedTokenSource(ApplicationStopping.Token);
            linked.Token.Register(static state => ((RequestContext)state!).Touch(), context);
            if (!leak) linked.Dispose();
        }
    }

    // token.Register returns a CancellationTokenRegistration that must be disposed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void TokenRegister(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var context = new RequestContext(i);
            var registration = Shutdown.Token.Register(() => context.Touch());
            if (!leak) registration.Dispose();
        }
    }

    // ChangeToken.OnChange returns an IDisposable; until disposed it re-registers on every reload token.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ChangeTokenOnChange(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var context = new RequestContext(i);
            var subscription = ChangeToken.OnChange(() => Configuration.GetReloadToken(), () => context.Touch());
            if (!leak) subscription.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void EventSubscription(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var listener = new StockListener(i);
            PriceFeed.PriceChanged += listener.OnPriceChanged;
            if (!leak) PriceFeed.PriceChanged -= listener.OnPriceChanged;
        }
    }

    // A poller whose timer callback state is the poller itself: the timer queue keeps the poller,
    // the poller keeps its Timer, so the Timer is never finalized or closed until Dispose.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Timers(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var poller = new InventoryPoller(i);
            if (!leak) poller.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void StaticCache(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var key = "order/" + i.ToString("D6");
            ResponseCache[key] = new RequestContext(i);
            if (!leak) ResponseCache.TryRemove(key, out _);
        }
    }

    // A few big views that subscribe to the application shell's event when shown and forget to
    // unsubscribe when closed: each keeps its whole tree.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Pages(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            var page = new OrderDetailsPage(i);
            page.Show();
            page.Close(unsubscribe: !leak);
        }
    }
}

public static partial class Scenarios
{
    // A shape no recognizer knows: a hand-written linked list that is appended to and never trimmed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void AuditTrailRecords(int count, bool leak)
    {
        for (int i = 0; i < count; i++)
        {
            AuditTrail.Append(new RequestContext(i));
            if (!leak) AuditTrail.TrimTo(0);
        }
    }
}

/// <summary>Every request's context, newest first, for an audit that never runs.</summary>
public static class AuditTrail
{
    private static AuditRecord? s_newest;
    public static void Append(RequestContext context) => s_newest = new AuditRecord(context, s_newest);
    public static void TrimTo(int keep) { if (keep == 0) s_newest = null; }
}

public sealed class AuditRecord
{
    public readonly RequestContext Context;
    public readonly AuditRecord? Previous;
    public AuditRecord(RequestContext context, AuditRecord? previous) { Context = context; Previous = previous; }
}

public static class PriceFeed
{
    public static event EventHandler<decimal>? PriceChanged;
    public static void Publish(decimal price) => PriceChanged?.Invoke(null, price);
}

public sealed class StockListener
{
    private readonly RequestContext _context;
    public StockListener(int id) => _context = new RequestContext(id);
    public void OnPriceChanged(object? sender, decimal price) => _context.Touch();
}

public sealed class InventoryPoller : IDisposable
{
    private readonly Timer _timer;
    private readonly RequestContext _context;
    public InventoryPoller(int id)
    {
        _context = new RequestContext(id);
        _timer = new Timer(static state => ((InventoryPoller)state!).Poll(), this, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
    }
    private void Poll() => _context.Touch();
    public void Dispose() => _timer.Dispose();
}

/// <summary>The long-lived application shell (one instance, held by a static field).</summary>
public sealed class AppShell
{
    public static readonly AppShell Current = new();
    public event EventHandler? ThemeChanged;
    public void ChangeTheme() => ThemeChanged?.Invoke(this, EventArgs.Empty);
}

/// <summary>A view with a large tree of controls (about 2.6 MB each).</summary>
public sealed class OrderDetailsPage
{
    private readonly List<Control> _controls = new();
    public OrderDetailsPage(int id)
    {
        for (int i = 0; i < 2_500; i++) _controls.Add(new Control(id * 10_000 + i));
    }
    public void Show() => AppShell.Current.ThemeChanged += OnThemeChanged;
    public void Close(bool unsubscribe)
    {
        if (unsubscribe) AppShell.Current.ThemeChanged -= OnThemeChanged;
    }
    private void OnThemeChanged(object? sender, EventArgs e) => _controls[0].Invalidate();
}

public sealed class Control
{
    public readonly int Id;
    public readonly byte[] Pixels = new byte[1000];
    public Control(int id) => Id = id;
    public void Invalidate() => Pixels[0]++;
}

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 1 || !Scenarios.All.TryGetValue(args[0], out var scenario))
        {
            Console.Error.WriteLine($"usage: LeakZoo <{string.Join('|', Scenarios.All.Keys)}|all> [--leak on|off]");
            if (args.Length < 1 || args[0] != "all") return 2;
        }
        bool leak = !(args.Length >= 3 && args[1] == "--leak" && args[2] == "off");
        var names = args[0] == "all" ? Scenarios.All.Keys.ToArray() : new[] { args[0] };
        foreach (var name in names) Scenarios.All[name].Run(Scenarios.All[name].Count, leak);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var counts = string.Join(',', names.Select(n => $"{n}={(leak ? Scenarios.All[n].Count : 0)}"));
        Console.WriteLine($"READY {Environment.ProcessId} {args[0]} {counts} runtime {Environment.Version}");
        Console.Out.Flush();
        Console.In.ReadLine();
        // Keep the long-lived state reachable until the dump has been taken.
        GC.KeepAlive(Scenarios.ApplicationStopping);
        GC.KeepAlive(Scenarios.Shutdown);
        return 0;
    }
}
