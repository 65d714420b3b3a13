using System.Collections.Concurrent;

namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>The orders being answered, each with its own cancellation: the portal's Cancel stops exactly that one.</summary>
public sealed class RunningOrders
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _orders = new(StringComparer.Ordinal);

    /// <summary>A token for the order, cancelled by <see cref="Cancel"/> or by <paramref name="link"/>; dispose the result when the order ends.</summary>
    public Registration Start(string orderId, CancellationToken link)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(link);
        _orders[orderId] = cts;
        return new Registration(this, orderId, cts);
    }

    /// <summary>False when no such order is running (it ended, or never came).</summary>
    public bool Cancel(string orderId)
    {
        if (!_orders.TryGetValue(orderId, out var cts))
        {
            return false;
        }
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return true;
    }

    public int Count => _orders.Count;

    public sealed class Registration(RunningOrders owner, string orderId, CancellationTokenSource cts) : IDisposable
    {
        public CancellationToken Token => cts.Token;

        public bool Cancelled => cts.IsCancellationRequested;

        public void Dispose()
        {
            owner._orders.TryRemove(new KeyValuePair<string, CancellationTokenSource>(orderId, cts));
            cts.Dispose();
        }
    }
}
