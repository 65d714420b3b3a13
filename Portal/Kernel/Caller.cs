using System.Reflection;
using System.Security.Claims;

namespace Portal.Kernel;

/// <summary>
/// Who asks a slice to act: the principal (from the cookie or token in the API, from the authentication state in
/// Blazor) and where from. Slices decide authorization from this themselves; they never trust the page that called.
/// </summary>
public sealed record Caller(ClaimsPrincipal Principal, string? Ip)
{
    public Guid? UserId => Principal.UserId();

    /// <summary>Who acted, and with which personal token if not in a browser session: every use is attributable.</summary>
    public AuditActor Actor => new(UserId, Principal.Identity?.Name, Ip, Principal.TokenId());

    public static Caller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new(http.User, http.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>A Blazor circuit has no request of its own; the address is not known there.</summary>
    public static Caller From(ClaimsPrincipal principal) => new(principal, null);

    /// <summary>Minimal APIs bind a <see cref="Caller"/> parameter from the request: handlers never build one themselves.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult<Caller?>(From(http));
}
