using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn.Saml;
using Portal.Features.SignIn.Sessions;

namespace Portal.Features.SignIn.Oidc;

/// <summary>
/// After the handler verified the provider's answer (state, code exchange with the PKCE verifier, ID token signature,
/// issuer, audience, nonce): the portal user keyed by (issuer, sub), and the portal's own session, as SAML does.
/// </summary>
internal static class OidcSignIn
{
    public static async Task<string> CompleteAsync(HttpContext http, OidcProvider provider, ClaimsPrincipal principal,
        AuthenticationProperties properties, string? returnUri, CancellationToken ct)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<PortalDb>();
        var audit = services.GetRequiredService<AuditLog>();
        var metrics = services.GetRequiredService<Hosting.PortalMetrics>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ip = http.Connection.RemoteIpAddress?.ToString();

        var subjectClaim = principal.FindFirst("sub");
        // The ID token's iss, which the handler checked against the provider's metadata.
        var issuer = principal.FindFirstValue("iss") ?? subjectClaim?.Issuer;
        if (subjectClaim is not { Value.Length: > 0 and <= 255 } || string.IsNullOrEmpty(issuer) || issuer.Length > 1024)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Failure, new AuditActor(null, null, ip), reason: OidcReasons.Subject,
                details: new { method = "oidc", provider = provider.Name, issuer });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("oidc", OidcReasons.Subject);
            return "/signin/failed?reason=" + OidcReasons.Subject;
        }

        var user = await UpsertAsync(db, provider, issuer, subjectClaim.Value, principal, now, ct);
        if (user.Suspended)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Denied, new AuditActor(user.Id, user.DisplayName, ip), reason: "account.suspended",
                details: new { method = "oidc", provider = provider.Name, issuer });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("oidc", "account.suspended");
            return "/signin/failed?reason=account.suspended";
        }
        await services.GetRequiredService<SessionIssuer>().SignInAsync(http, user, "oidc", ct,
            details: new { provider = provider.Name, subject = user.Subject },
            origin: new SessionOrigin("oidc", issuer) { OidcProvider = provider.Name, OidcIdToken = properties.GetTokenValue("id_token") });
        return ReturnPath.SanitizeOrHome(returnUri);
    }

    private static async Task<User> UpsertAsync(PortalDb db, OidcProvider provider, string issuer, string subject,
        ClaimsPrincipal principal, DateTimeOffset now, CancellationToken ct)
    {
        var home = provider.HomeOrganization ?? (Uri.TryCreate(issuer, UriKind.Absolute, out var uri) ? uri.Host : issuer);
        var institution = await db.Institutions.SingleOrDefaultAsync(i => i.IdpEntityId == issuer, ct);
        if (institution is null)
        {
            institution = new Institution
            {
                Id = Guid.CreateVersion7(now),
                Name = Truncate(provider.HomeOrganization ?? provider.DisplayName, 256),
                IdpEntityId = issuer,
                Scopes = [.. provider.Domains],
                CreatedAt = now,
            };
            db.Institutions.Add(institution);
        }
        // The key is (issuer, sub): the same sub at another issuer, or a SAML NameID, is another person.
        var user = await db.Users.SingleOrDefaultAsync(u => u.Issuer == issuer && u.Subject == subject, ct);
        if (user is null)
        {
            user = new User { Id = Guid.CreateVersion7(now), Issuer = issuer, Subject = subject, DisplayName = "", CreatedAt = now };
            db.Users.Add(user);
        }
        var email = principal.FindFirstValue("email");
        user.DisplayName = Truncate(principal.FindFirstValue("name") ?? principal.FindFirstValue("preferred_username") ?? email ?? subject, 256);
        // An address the provider says it has not verified is not taken as the person's.
        user.Email = email is { Length: <= 320 } && principal.FindFirstValue("email_verified") != "false" ? email : user.Email;
        user.HomeOrganization = Truncate(home, 256);
        user.Institution = institution;
        return user;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
