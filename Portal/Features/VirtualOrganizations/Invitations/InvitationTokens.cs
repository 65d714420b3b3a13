using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>
/// Invitation secrets: 32 random bytes in base64url for the link; the database keeps only the SHA-256 of the link's
/// text, so a copy of the database lets nobody join.
/// </summary>
internal static class InvitationTokens
{
    public static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim()));
}
