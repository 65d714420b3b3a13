namespace Portal.Features.SignIn.Saml;

/// <summary>
/// The page a user returns to after sign-in. Only a local path of this site is ever accepted, judged on the raw
/// value and on every percent-decoded form of it, because browsers treat "/\host", "//host" and their encodings as
/// another site.
/// </summary>
public static class ReturnPath
{
    public const string Home = "/";
    private const int MaxLength = 2048;
    private const int MaxDecodingRounds = 4;

    /// <summary>True when <paramref name="candidate"/> is a safe local path; <paramref name="path"/> is then it, unchanged.</summary>
    public static bool TryValidate(string? candidate, out string path)
    {
        path = Home;
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength)
        {
            return false;
        }
        var current = candidate;
        for (var round = 0; round <= MaxDecodingRounds; round++)
        {
            if (!IsLocal(current))
            {
                return false;
            }
            var decoded = Uri.UnescapeDataString(current);
            if (decoded == current)
            {
                path = candidate;
                return true;
            }
            current = decoded;
        }
        // Still changing after several rounds of decoding: nobody legitimate encodes that deep.
        return false;
    }

    /// <summary>The candidate when safe, otherwise the home page.</summary>
    public static string SanitizeOrHome(string? candidate) => TryValidate(candidate, out var path) ? path : Home;

    private static bool IsLocal(string value)
    {
        if (value.Length == 0 || value[0] != '/')
        {
            return false;
        }
        if (value.Length > 1 && (value[1] == '/' || value[1] == '\\'))
        {
            return false;
        }
        foreach (var c in value)
        {
            // Browsers drop tabs and newlines inside URLs ("/\t/host" becomes "//host"); a plain space is harmless.
            if (c == '\\' || char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ') || c == '\uFEFF')
            {
                return false;
            }
        }
        // A colon before the first slash-free segment could be read as a scheme by a sloppy consumer; "/a:b" is fine.
        return !value.StartsWith("/:", StringComparison.Ordinal);
    }
}
