namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Nonces of orders already seen, each kept until its order could no longer be accepted anyway (not-after plus the
/// clock skew): memory stays bounded by the orders of the last minute.
/// </summary>
public sealed class NonceRegistry(TimeProvider clock)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records the nonce; false when it was seen before.</summary>
    public bool TryUse(ReadOnlySpan<byte> nonce, DateTimeOffset notAfter)
    {
        var key = Convert.ToBase64String(nonce);
        lock (_lock)
        {
            Prune();
            return _seen.TryAdd(key, notAfter + Sites.OrderLimits.ClockSkew);
        }
    }

    /// <summary>A nonce found in the site log at start: a restart must not reopen the replay window.</summary>
    public void Remember(string nonceBase64, DateTimeOffset keepUntil)
    {
        lock (_lock)
        {
            if (!_seen.TryGetValue(nonceBase64, out var until) || until < keepUntil)
            {
                _seen[nonceBase64] = keepUntil;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                Prune();
                return _seen.Count;
            }
        }
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, until) in _seen)
        {
            if (until < now)
            {
                _seen.Remove(key);
            }
        }
    }
}
