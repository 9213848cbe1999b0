using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace LeakyService;

/// <summary>What a tracing library keeps per request. Reached through an AsyncLocal while the
/// request runs, and (in leak mode) through the reload-token callback forever after.</summary>
public sealed class RequestTraceContext
{
    /// <summary>Size of the body snapshot: 32 KiB, the buffer size of the incident's
    /// FileBufferingReadStream. A byte[32768] is a 32,792-byte object on x64 (24-byte header).</summary>
    public const int BodySnapshotBytes = 32 * 1024;

    private static readonly AsyncLocal<RequestTraceContext?> s_current = new();
    private static long s_requestsStarted;

    public static RequestTraceContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public static long RequestsStarted => Interlocked.Read(ref s_requestsStarted);

    public RequestTraceContext(HttpContext httpContext)
    {
        HttpContext = httpContext;
        RequestNumber = Interlocked.Increment(ref s_requestsStarted);
        TraceId = httpContext.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        StartedAt = DateTimeOffset.UtcNow;
    }

    public long RequestNumber { get; }
    public string TraceId { get; }
    public DateTimeOffset StartedAt { get; }

    /// <summary>Kestrel reuses DefaultHttpContext per connection, so this alone would keep only
    /// one context per connection alive; the per-request objects below are what grows.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The request's FileBufferingReadStream (EnableBuffering), kept to re-read the body.</summary>
    public Stream? BufferedBody { get; set; }

    /// <summary>The first 32 KiB of the body, copied "for the trace exporter". ASP.NET Core 10's
    /// FileBufferingReadStream rents its buffers from ArrayPool and returns them on dispose, so
    /// without this copy no per-request 32 KiB array would stay reachable (see sample-dumps/README.md).</summary>
    public byte[] BodySnapshot { get; } = new byte[BodySnapshotBytes];
    public int BodySnapshotLength { get; set; }

    public List<string> Annotations { get; } = new();

    public void Annotate(string text)
    {
        lock (Annotations) Annotations.Add(text);
    }
}

/// <summary>The incident's middleware: buffering, AsyncLocal context, reload-token callback.</summary>
public sealed class RequestTracingMiddleware(RequestDelegate next, IConfiguration configuration, LeakOptions options)
{
    private static long s_undisposedRegistrations;

    public static long UndisposedRegistrations => Interlocked.Read(ref s_undisposedRegistrations);

    public async Task InvokeAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        var trace = new RequestTraceContext(context) { BufferedBody = context.Request.Body };
        RequestTraceContext.Current = trace;

        trace.BodySnapshotLength = await context.Request.Body.ReadAtLeastAsync(
            trace.BodySnapshot, trace.BodySnapshot.Length, throwOnEndOfStream: false);
        context.Request.Body.Position = 0;

        // "Tell the trace if configuration reloads while this request runs." The registration is
        // an IDisposable that must be disposed when the request ends; in leak mode it never is.
        var registration = configuration.OnReloadAnnotate(trace);
        if (options.Leak) Interlocked.Increment(ref s_undisposedRegistrations);
        try
        {
            await next(context);
        }
        finally
        {
            if (!options.Leak)
            {
                registration.Dispose();
                RequestTraceContext.Current = null;
            }
        }
    }
}

public static class ConfigurationTracingExtensions
{
    /// <summary>Registers a callback on the configuration's current reload token. The local
    /// function's closure captures the trace context (as tracing code often does), so the
    /// registration keeps the request alive whether or not the runtime also captures the
    /// ExecutionContext (whose AsyncLocal map holds the same context).</summary>
    public static IDisposable OnReloadAnnotate(this IConfiguration configuration, RequestTraceContext trace)
    {
        void Callback(object? state) =>
            trace.Annotate($"configuration reloaded at {DateTimeOffset.UtcNow:O} ({Encoding.UTF8.GetString(trace.BodySnapshot, 0, Math.Min(16, trace.BodySnapshotLength))}…)");

        return configuration.GetReloadToken().RegisterChangeCallback(Callback, configuration);
    }
}
