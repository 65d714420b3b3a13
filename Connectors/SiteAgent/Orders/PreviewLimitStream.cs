namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Lets the first <paramref name="maxLines"/> lines of a JSON Lines export through and reads the rest into nothing:
/// a preview's rows are the export's first rows, computed with the same classes, and no more than those leave.
/// </summary>
public sealed class PreviewLimitStream(Stream inner, int maxLines) : WriteOnlyStream
{
    public long Lines { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Lines >= maxLines)
        {
            return;
        }
        var span = buffer.Span;
        var end = 0;
        while (end < span.Length && Lines < maxLines)
        {
            var next = span[end..].IndexOf((byte)'\n');
            if (next < 0)
            {
                end = span.Length;
                break;
            }
            end += next + 1;
            Lines++;
        }
        await inner.WriteAsync(buffer[..end], cancellationToken).ConfigureAwait(false);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
