using System.Runtime.CompilerServices;
using System.Text;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// An ASCII text of up to seven characters as one long: the length in the top byte, one byte per character below
/// it, so two texts share a key only when they are equal. Generalized values are mostly such texts (years, sexes,
/// postcode prefixes, bands); a long key is hashed and compared without touching the text again.
/// </summary>
internal static class ShortAsciiKey
{
    public const int MaxLength = 7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPack(ReadOnlySpan<char> text, out long key)
    {
        key = 0;
        if (text.Length > MaxLength || !Ascii.IsValid(text))
        {
            return false;
        }
        key = (long)text.Length << 56;
        for (var i = 0; i < text.Length; i++)
        {
            key |= (long)text[i] << (8 * i);
        }
        return true;
    }
}
