using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn.Oidc;
using Portal.Features.SignIn.Saml;
using Portal.Features.SignIn.Sessions;

namespace Portal.Features.SignIn;

/// <summary>
/// Sign-out ends the portal session on the server first (a copied cookie stops working), then, where the session's
/// IdP supports it, at the IdP too: SAML Single Logout (signed LogoutRequest, HTTP-Redirect) or OIDC RP-initiated
/// logout (end_session_endpoint). Otherwise the sign-out is local.
/// </summary>
internal static class SignOutEndpoint
{
    public static void MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost("/signout", HandleAsync).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());

    internal static async Task<IResult> HandleAsync(HttpContext http, PortalDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        // No form field is bound here, so the antiforgery result must be checked by hand: no cross-site sign-out.
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return Results.BadRequest();
        }
        var userId = http.User.UserId();
        var session = await SessionStore.EndAsync(db, http.User.SessionId(), "signout", time.GetUtcNow(), ct);
        var next = await RemoteSignOutAsync(http, db, session, ct);
        audit.Add(db, "signout", AuditOutcome.Success,
            new AuditActor(userId, http.User.Identity?.Name, http.Connection.RemoteIpAddress?.ToString()),
            details: new { session = session?.Id, at = next.Kind });
        await db.SaveChangesAsync(ct);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return next.Result;
    }

    private static async Task<(string Kind, IResult Result)> RemoteSignOutAsync(HttpContext http, PortalDb db, PortalSession? session, CancellationToken ct)
    {
        var local = ("local", Results.LocalRedirect("/"));
        if (session is null)
        {
            return local;
        }
        var services = http.RequestServices;
        if (session is { Method: "saml", SamlNameId: not null } && services.GetService<SamlLogout>() is { } logout
            && services.GetRequiredService<SamlIdentityProviders>().Find(session.Issuer) is { } idp && logout.CanSendTo(idp))
        {
            var (url, pending) = logout.Request(idp, session, "/");
            await db.Database.ExecuteSqlAsync($"DELETE FROM saml_pending_logouts WHERE expires_at < {pending.CreatedAt}", ct);
            db.PendingLogouts.Add(pending);
            return ("saml.slo", Results.Redirect(url));
        }
        if (session is { Method: "oidc", OidcProvider: { } name } && services.GetRequiredService<OidcSettings>().Find(name) is { } provider)
        {
            var options = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(provider.Scheme);
            Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration? configuration;
            try
            {
                configuration = options.ConfigurationManager is { } manager ? await manager.GetConfigurationAsync(ct) : options.Configuration;
            }
            catch (InvalidOperationException)
            {
                // The provider's metadata is unreachable: the portal session has ended anyway.
                configuration = null;
            }
            if (!string.IsNullOrEmpty(configuration?.EndSessionEndpoint))
            {
                var properties = new AuthenticationProperties { RedirectUri = "/" };
                if (session.OidcIdToken is { } token)
                {
                    properties.Items[OidcServices.IdTokenHintItem] = token;
                }
                return ("oidc.end_session", Results.SignOut(properties, [provider.Scheme]));
            }
        }
        return local;
    }
}
