namespace Portal.Connectors.Anonymization;

/// <summary>
/// A class's ordinals as a text key for a Marvin-hashed table: two chars per ordinal (ordinals are non-negative ints),
/// fixed width, so no two classes share a key.
/// </summary>
internal static class OrdinalsKey
{
    /// <summary>Writes the key of <paramref name="ordinals"/> into <paramref name="key"/> (two chars per ordinal) and returns it.</summary>
    public static ReadOnlySpan<char> Write(ReadOnlySpan<int> ordinals, Span<char> key)
    {
        for (var i = 0; i < ordinals.Length; i++)
        {
            key[2 * i] = (char)(ordinals[i] & 0xFFFF);
            key[(2 * i) + 1] = (char)(ordinals[i] >> 16);
        }
        return key[..(2 * ordinals.Length)];
    }

    /// <summary>The ordinals a key was written from.</summary>
    public static void Read(ReadOnlySpan<char> key, Span<int> ordinals)
    {
        for (var i = 0; i < ordinals.Length; i++)
        {
            ordinals[i] = key[2 * i] | (key[(2 * i) + 1] << 16);
        }
    }
}
