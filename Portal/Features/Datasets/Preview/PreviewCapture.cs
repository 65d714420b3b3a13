using System.Text;

namespace Portal.Features.Datasets.Preview;

/// <summary>
/// A write-only stream that keeps the first N lines of a JSON Lines export and counts, then forgets, the rest:
/// a preview holds a hundred rows at most, whatever the size of the dataset.
/// </summary>
internal sealed class PreviewCapture(int maxLines) : Stream
{
    private readonly List<string> _lines = [];
    private readonly MemoryStream _current = new();

    public IReadOnlyList<string> Lines => _lines;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0 && _lines.Count < maxLines)
        {
            var end = buffer.IndexOf((byte)'\n');
            if (end < 0)
            {
                _current.Write(buffer);
                return;
            }
            _current.Write(buffer[..end]);
            _lines.Add(Encoding.UTF8.GetString(_current.GetBuffer(), 0, (int)_current.Length));
            _current.SetLength(0);
            buffer = buffer[(end + 1)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current.Dispose();
        }
        base.Dispose(disposing);
    }
}
