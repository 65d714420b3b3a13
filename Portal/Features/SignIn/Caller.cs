using System.Security.Claims;
using Portal.Features.Audit;

namespace Portal.Features.SignIn;

/// <summary>
/// Who asks a service to act: the principal (from the cookie in the API, from the authentication state in Blazor)
/// and where from. Services decide authorization from this themselves; they never trust the page that called them.
/// </summary>
public sealed record Caller(ClaimsPrincipal Principal, string? Ip)
{
    public Guid? UserId => Principal.UserId();

    /// <summary>Who acted, and with which personal token if not in a browser session: every use is attributable.</summary>
    public AuditActor Actor => new(UserId, Principal.Identity?.Name, Ip, Tokens.BearerTokens.TokenIdOf(Principal));

    public static Caller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new(http.User, http.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>A Blazor circuit has no request of its own; the address is not known there.</summary>
    public static Caller From(ClaimsPrincipal principal) => new(principal, null);
}
