using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Sites.Enrollment;

/// <summary>
/// One-time enrollment codes: 32 random bytes in base64url (43 characters). The portal keeps only the SHA-256 of the
/// code's text, so a copy of the database enrolls nothing.
/// </summary>
public static class EnrollmentCodes
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Where the command the owner is shown keeps the agent's key and pinned portal key.</summary>
    public const string SuggestedStateDir = "/var/lib/site-agent";

    public const int Length = 43;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));

    /// <summary>True when the text could be a code this portal made (so anything else is refused before a query).</summary>
    public static bool LooksLikeACode(string? code) =>
        code is { Length: Length } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The line the owner runs at the site.</summary>
    public static string Command(string portalUrl, string code) =>
        $"site-agent enroll --portal {portalUrl} --code {code} --state {SuggestedStateDir}";
}
