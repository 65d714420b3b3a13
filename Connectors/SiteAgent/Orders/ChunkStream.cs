using System.Security.Cryptography;
using Portal.Connectors.Sites;

namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// Cuts what the export writes into Data chunks of at most <see cref="OrderLimits.ChunkBytes"/> and hands each to
/// <paramref name="send"/>, awaiting it: a slow portal slows the export (gRPC's flow control), so memory holds one
/// chunk whatever the export's size. Counts and hashes exactly the bytes sent.
/// </summary>
public sealed class ChunkStream(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, int chunkBytes = OrderLimits.ChunkBytes) : WriteOnlyStream
{
    private readonly byte[] _buffer = new byte[chunkBytes];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _filled;

    public long BytesSent { get; private set; }

    public int ChunksSent { get; private set; }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _buffer.Length)
            {
                await SendAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends what is buffered: the export's own flushes and the end of the export.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_filled > 0)
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        // The sink copies the chunk (into a ByteString) before its task ends: the buffer is reused after that.
        var chunk = _buffer.AsMemory(0, _filled);
        await send(chunk, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(chunk.Span);
        BytesSent += chunk.Length;
        ChunksSent++;
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
