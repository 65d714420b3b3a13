using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn.Sessions;

namespace Portal.Features.SignIn;

/// <summary>Turns an authenticated user row into a portal session, and records it.</summary>
public sealed class SessionIssuer(PortalDb db, AuditLog audit, TimeProvider time, Hosting.PortalMetrics metrics)
{
    /// <param name="notAfter">The IdP's SessionNotOnOrAfter: the session never outlives what the IdP allowed.</param>
    /// <param name="details">What the audit event records beside the method (IdP, identifier used, dropped values).</param>
    /// <param name="origin">The protocol's session handles, kept server-side for single logout.</param>
    public async Task SignInAsync(HttpContext http, User user, string method, CancellationToken ct,
        DateTimeOffset? notAfter = null, object? details = null, SessionOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        user.LastSignInAt = now;
        // The server-side half of the session: the cookie is only good while this row is not ended.
        var session = new PortalSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            Method = method,
            Issuer = origin?.Issuer ?? user.Issuer,
            SamlNameId = origin?.SamlNameId?.Value,
            SamlNameIdFormat = origin?.SamlNameId?.Format,
            SamlNameQualifier = origin?.SamlNameId?.NameQualifier,
            SamlSpNameQualifier = origin?.SamlNameId?.SpNameQualifier,
            SamlSessionIndex = origin?.SamlSessionIndex,
            OidcProvider = origin?.OidcProvider,
            OidcIdToken = origin?.OidcIdToken,
            CreatedAt = now,
        };
        db.Add(session);
        // Rows past any cookie's absolute lifetime serve nobody; the audit log keeps their IDs.
        var stale = now - PortalAuthentication.AbsoluteLifetime - TimeSpan.FromDays(1);
        await db.Database.ExecuteSqlAsync($"DELETE FROM portal_sessions WHERE created_at < {stale}", ct);
        audit.Add(db, "signin.succeeded", AuditOutcome.Success,
            new AuditActor(user.Id, user.DisplayName, http.Connection.RemoteIpAddress?.ToString()),
            details: new { method, issuer = user.Issuer, session = session.Id, more = details });
        await db.SaveChangesAsync(ct);
        metrics.SignInSucceeded(method);

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(PortalAuthentication.SessionIdClaim, session.Id.ToString()),
            new(ClaimTypes.Name, user.DisplayName),
            new(PortalAuthentication.IssuerClaim, user.Issuer),
            new(PortalAuthentication.AuthTimeClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("amr", method),
        };
        if (notAfter is { } end)
        {
            claims.Add(new Claim(PortalAuthentication.NotAfterClaim, end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        }
        foreach (var role in Enum.GetValues<PlatformRoles>().Where(r => r != PlatformRoles.None && user.PlatformRoles.HasFlag(r)))
        {
            claims.Add(new Claim(ClaimTypes.Role, role.ToString()));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = false, IssuedUtc = now });
    }
}
