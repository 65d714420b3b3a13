using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.SiteLog;

/// <summary>What a restarted agent must remember from its own log: recent nonces (no replay window opens) and today's rows per grant.</summary>
public static class SiteLogReplay
{
    /// <summary>An order logged this long ago is past its not-after (at most 60 s after issue, issue at most 5 s ahead) with room to spare.</summary>
    public static readonly TimeSpan NonceWindow = TimeSpan.FromMinutes(2);

    public static void Restore(IEnumerable<SiteLogEntry> entries, NonceRegistry nonces, DailyRows rows, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        foreach (var e in entries)
        {
            if (e.Nonce is { } nonce && now - e.Time <= NonceWindow && !OrderCheck.SpendsNoNonce(e.Code))
            {
                nonces.Remember(nonce, e.Time + NonceWindow);
            }
            if (e.Event is SiteLogEvents.Completed or SiteLogEvents.Failed or SiteLogEvents.Cancelled && e.GrantId is { } grant && e.Rows is > 0)
            {
                rows.Add(grant, e.Rows.Value, e.Time);
            }
        }
    }
}
