namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>A reusable output buffer for one transform: results are slices of it, so a row costs no allocation.</summary>
internal sealed class CharBuffer
{
    private char[] _chars = new char[64];

    public Span<char> Get(int length)
    {
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }
        return _chars.AsSpan(0, length);
    }

    public ReadOnlyMemory<char> Slice(int length) => _chars.AsMemory(0, length);
}
