using System.Security.Claims;

namespace Portal.Kernel;

/// <summary>Claims the portal itself puts on a principal (session cookie or personal token).</summary>
public static class PortalClaims
{
    /// <summary>The personal API token a request came with; absent in a browser session.</summary>
    public const string TokenId = "token_id";
}

public static class CurrentUser
{
    /// <summary>The portal user id of a signed-in principal, or null.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The personal token the principal came with, or null in a browser session.</summary>
    public static Guid? TokenId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal?.FindFirstValue(PortalClaims.TokenId), out var id) ? id : null;
}
