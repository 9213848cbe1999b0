namespace LeakyService;

public sealed class PriceChangedEventArgs(string sku, decimal price) : EventArgs
{
    public string Sku { get; } = sku;
    public decimal Price { get; } = price;
}

/// <summary>A process-wide price feed. Its event is static, so every subscriber stays reachable
/// from the static field until it unsubscribes.</summary>
public static class PriceFeed
{
    public static event EventHandler<PriceChangedEventArgs>? PriceChanged;

    public static int SubscriberCount => PriceChanged?.GetInvocationList().Length ?? 0;

    public static void Publish(string sku, decimal price) => PriceChanged?.Invoke(null, new PriceChangedEventArgs(sku, price));
}

/// <summary>The second leak: a per-request subscriber to the static event that never leaves it.</summary>
public sealed class QuoteWatcher
{
    /// <summary>One order in this many starts a watcher (17,812 orders give 279 watchers).</summary>
    public const int OrdersPerWatcher = 64;

    private readonly decimal[] _recentPrices = new decimal[32];
    private int _seen;

    private QuoteWatcher(string orderTraceId) => OrderTraceId = orderTraceId;

    public string OrderTraceId { get; }

    public static void MaybeWatch(RequestTraceContext trace, LeakOptions options)
    {
        if ((trace.RequestNumber - 1) % OrdersPerWatcher != 0) return;
        var watcher = new QuoteWatcher(trace.TraceId);
        PriceFeed.PriceChanged += watcher.OnPriceChanged;
        if (!options.Leak) PriceFeed.PriceChanged -= watcher.OnPriceChanged;
    }

    private void OnPriceChanged(object? sender, PriceChangedEventArgs e) =>
        _recentPrices[_seen++ % _recentPrices.Length] = e.Price;
}
