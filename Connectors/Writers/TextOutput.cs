using System.Text;

namespace Portal.Connectors.Writers;

/// <summary>
/// A growable char buffer encoded to UTF-8 and written asynchronously once a threshold is reached. Rows formatted
/// elsewhere (already UTF-8) join the same output and count their chars towards the threshold, so the writes (and a
/// gzip stream's input) fall exactly where they would have for rows appended as text. Without a stream it is a
/// formatter's scratch buffer (<see cref="Take"/>).
/// </summary>
internal sealed class TextOutput(Stream? stream)
{
    private const int FlushThreshold = 32 * 1024;
    private static readonly Encoding Utf8 = new UTF8Encoding(false, true);

    private char[] _chars = new char[FlushThreshold * 2];
    private byte[] _bytes = new byte[Utf8.GetMaxByteCount(FlushThreshold * 2)];
    private int _length;
    private int _byteLength;
    private int _byteUnits;

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

    /// <summary>Appends text formatted and encoded elsewhere; <paramref name="chars"/> is its length as text.</summary>
    public void AppendUtf8(ReadOnlySpan<byte> utf8, int chars)
    {
        Encode();
        Capacity(utf8.Length);
        utf8.CopyTo(_bytes.AsSpan(_byteLength));
        _byteLength += utf8.Length;
        _byteUnits += chars;
    }

    /// <summary>What was appended, as UTF-8 (valid until the next call), and its length in chars; empties the buffer.</summary>
    public ReadOnlySpan<byte> Take(out int chars)
    {
        chars = _length;
        _byteLength = 0;
        _byteUnits = 0;
        Encode();
        var n = _byteLength;
        _byteLength = 0;
        _byteUnits = 0;
        return _bytes.AsSpan(0, n);
    }

    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _length + _byteUnits >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Encode();
        if (_byteLength == 0)
        {
            return;
        }
        var n = _byteLength;
        _byteLength = 0;
        _byteUnits = 0;
        await stream!.WriteAsync(_bytes.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
    }

    private void Encode()
    {
        if (_length == 0)
        {
            return;
        }
        Capacity(Utf8.GetMaxByteCount(_length));
        _byteLength += Utf8.GetBytes(_chars, 0, _length, _bytes, _byteLength);
        _byteUnits += _length;
        _length = 0;
    }

    private void Capacity(int more)
    {
        if (_bytes.Length - _byteLength < more)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteLength + more));
        }
    }
}
