namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Counts the rows of an uncompressed CSV or JSON Lines export as its bytes pass (a row ends at a line end outside
/// quotes; CSV's header line is no row) and asks <paramref name="take"/> for each buffer's rows before passing it on.
/// When the allowance is spent the buffer is held back and the export stops with <see cref="DailyCapReachedException"/>:
/// no row beyond the site's cap leaves.
/// </summary>
public sealed class RowCapStream(Stream inner, bool csv, Func<long, bool> take) : WriteOnlyStream
{
    private bool _inQuotes;
    private bool _headerDone = !csv;

    public long Rows { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var rows = CountRows(buffer.Span);
        if (rows > 0 && !take(rows))
        {
            throw new DailyCapReachedException();
        }
        Rows += rows;
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private long CountRows(ReadOnlySpan<byte> span)
    {
        long rows = 0;
        foreach (var b in span)
        {
            if (csv && b == (byte)'"')
            {
                // RFC 4180 doubles a quote inside quotes: it toggles twice, which leaves the state as it was.
                _inQuotes = !_inQuotes;
            }
            else if (b == (byte)'\n' && !_inQuotes)
            {
                if (_headerDone)
                {
                    rows++;
                }
                _headerDone = true;
            }
        }
        return rows;
    }
}

/// <summary>The grant's rows for today are spent; the order ends Failed with site.policy.daily_rows_exceeded.</summary>
#pragma warning disable CA1032 // Only ever thrown by RowCapStream.
public sealed class DailyCapReachedException() : IOException("the grant's rows for today are spent");
#pragma warning restore CA1032
