// LeakyService: the incident of issue 3, small enough to run on a laptop.
//
// POST /orders goes through RequestTracingMiddleware, which (1) turns on body buffering,
// (2) puts a per-request RequestTraceContext in an AsyncLocal, and (3) registers a callback on the
// configuration's reload token so the trace can note a reload mid-request. In leak mode the
// registration is never disposed: the configuration only reloads when appsettings.json changes,
// so every request adds one CancellationTokenSource+CallbackNode to the reload token's
// CancellationTokenSource, and each node keeps its request's trace context alive (HttpContext,
// FileBufferingReadStream and a 32 KB body snapshot) for as long as the process lives.
//
// A second, smaller leak of another shape: every 64th order subscribes a QuoteWatcher to the
// static PriceFeed.PriceChanged event and never unsubscribes.
//
// GET /healthz is the control path: no tracing, no registration. GET /stats reports counters.
// The switch `--leak off` (or LEAKY_SERVICE_LEAK=off) disposes the registration and unsubscribes
// the watcher at the end of each request: same traffic, no growth.
//
// `--crash-after N` (or LEAKY_SERVICE_CRASH_AFTER=N) makes the service die of an unhandled
// exception on a thread of its own once N orders have been traced: the crash path on which the
// runtime runs createdump (DOTNET_DbgEnableMiniDump=1, tools/capture-crash-core.sh).

using LeakyService;

var builder = WebApplication.CreateBuilder(args);
var leakSetting = builder.Configuration["leak"] ?? Environment.GetEnvironmentVariable("LEAKY_SERVICE_LEAK") ?? "on";
var leakMode = leakSetting.Trim().ToLowerInvariant() switch
{
    "on" or "true" or "1" => true,
    "off" or "false" or "0" => false,
    _ => throw new ArgumentException($"leak must be on or off, not '{leakSetting}'"),
};
builder.Services.AddSingleton(new LeakOptions(leakMode));
var crashSetting = builder.Configuration["crash-after"] ?? Environment.GetEnvironmentVariable("LEAKY_SERVICE_CRASH_AFTER");
long? crashAfter = crashSetting is null ? null
    : long.TryParse(crashSetting, out var orders) && orders > 0 ? orders
    : throw new ArgumentException($"crash-after must be a positive number of orders, not '{crashSetting}'");
var crashStarted = 0;

var app = builder.Build();
app.Logger.LogInformation("LeakyService: leak {Mode}, pid {Pid}, runtime {Runtime}, crash after {CrashAfter} orders",
    leakMode ? "on" : "off", Environment.ProcessId, Environment.Version, crashAfter?.ToString() ?? "no");

app.UseWhen(context => context.Request.Path.StartsWithSegments("/orders"),
    branch => branch.UseMiddleware<RequestTracingMiddleware>());

app.MapPost("/orders", async (HttpContext context, LeakOptions options) =>
{
    var trace = RequestTraceContext.Current ?? throw new InvalidOperationException("tracing middleware did not run");
    // Read the (buffered) body again, as a handler behind a tracing middleware would.
    using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
    var order = await reader.ReadToEndAsync();
    trace.Annotate($"order of {order.Length} chars");
    QuoteWatcher.MaybeWatch(trace, options);
    if (crashAfter is long limit && RequestTraceContext.RequestsStarted >= limit && Interlocked.Exchange(ref crashStarted, 1) == 0)
    {
        // A thread of its own: ASP.NET Core would catch an exception thrown by the handler.
        new Thread(() => throw new InvalidOperationException($"LeakyService: --crash-after {limit}: crashing on purpose after {limit} orders"))
        { Name = "LeakyService crash" }.Start();
    }
    return Results.Text($"accepted #{trace.RequestNumber}\n");
});

app.MapGet("/healthz", () => Results.Text("ok\n"));

app.MapGet("/stats", () => Results.Json(new
{
    leak = leakMode,
    requestsTraced = RequestTraceContext.RequestsStarted,
    liveReloadRegistrations = RequestTracingMiddleware.UndisposedRegistrations,
    priceWatchers = PriceFeed.SubscriberCount,
    managedHeapBytes = GC.GetTotalMemory(false),
}));

app.Run();

namespace LeakyService
{
    public sealed record LeakOptions(bool Leak);
}
