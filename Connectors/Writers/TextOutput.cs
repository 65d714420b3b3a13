using System.Text;

namespace Portal.Connectors.Writers;

/// <summary>A growable char buffer encoded to UTF-8 and written asynchronously once a threshold is reached.</summary>
internal sealed class TextOutput(Stream stream)
{
    private const int FlushThreshold = 32 * 1024;
    private static readonly Encoding Utf8 = new UTF8Encoding(false, true);

    private char[] _chars = new char[FlushThreshold * 2];
    private byte[] _bytes = new byte[Utf8.GetMaxByteCount(FlushThreshold * 2)];
    private int _length;

    public Span<char> Reserve(int count)
    {
        if (_chars.Length - _length < count)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + count));
        }
        return _chars.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Append(char c)
    {
        Reserve(1)[0] = c;
        _length++;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        text.CopyTo(Reserve(text.Length));
        _length += text.Length;
    }

    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _length >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }
        var max = Utf8.GetMaxByteCount(_length);
        if (_bytes.Length < max)
        {
            _bytes = new byte[max];
        }
        var n = Utf8.GetBytes(_chars, 0, _length, _bytes, 0);
        _length = 0;
        await stream.WriteAsync(_bytes.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
    }
}
