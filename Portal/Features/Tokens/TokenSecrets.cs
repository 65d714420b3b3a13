using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Tokens;

/// <summary>Token values: "vop_" and 43 base64url characters (256 random bits). Recognisable in logs and by secret scanners.</summary>
public static class TokenSecrets
{
    public const string Marker = "vop_";

    public static string New() => Marker + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static readonly System.Buffers.SearchValues<char> Base64Url =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static bool LooksValid(string value) =>
        value.Length == Marker.Length + 43 && value.StartsWith(Marker, StringComparison.Ordinal) &&
        value.AsSpan(Marker.Length).IndexOfAnyExcept(Base64Url) < 0;

    public static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public static string PrefixOf(string value) => value.Length >= Marker.Length + 6 ? value[..(Marker.Length + 6)] : value;

    /// <summary>
    /// A sentence fit for a quoted header parameter (RFC 9110): printable ASCII only, so a token name in any script
    /// (or with a quote or backslash) cannot make the server refuse to write the header; the problem body keeps the original.
    /// </summary>
    public static string HeaderSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?';
            }
        });
    }
}
