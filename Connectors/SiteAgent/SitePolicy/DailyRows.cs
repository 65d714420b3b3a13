namespace Portal.Connectors.SiteAgent.SitePolicy;

/// <summary>
/// Rows sent per grant on the current UTC day: loaded from the site log at start, then counted as rows leave, by
/// every export of the grant together (two concurrent exports share one allowance).
/// </summary>
public sealed class DailyRows(TimeProvider clock)
{
    private readonly Dictionary<(DateOnly Day, string Grant), long> _sent = [];
    private readonly Lock _lock = new();

    public long SentToday(string grantId)
    {
        lock (_lock)
        {
            return _sent.GetValueOrDefault((Today(), grantId));
        }
    }

    /// <summary>Counts rows sent at <paramref name="at"/> (from the site log at start, or a delivery that could not count as it streamed).</summary>
    public void Add(string grantId, long rows, DateTimeOffset at)
    {
        lock (_lock)
        {
            var key = (DateOnly.FromDateTime(at.UtcDateTime), grantId);
            _sent[key] = _sent.GetValueOrDefault(key) + rows;
        }
    }

    /// <summary>Counts rows that left without being counted as they streamed (compressed or Parquet exports).</summary>
    public void AddToday(string grantId, long rows) => Add(grantId, rows, clock.GetUtcNow());

    /// <summary>
    /// Takes <paramref name="rows"/> from today's allowance of the grant. When that would pass <paramref name="cap"/>
    /// the export asking is cut, and the day's allowance counts as spent: false.
    /// </summary>
    public bool TryTake(string grantId, long rows, long cap)
    {
        lock (_lock)
        {
            var key = (Today(), grantId);
            var sent = _sent.GetValueOrDefault(key);
            if (sent + rows > cap)
            {
                _sent[key] = Math.Max(sent, cap);
                return false;
            }
            _sent[key] = sent + rows;
            return true;
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
