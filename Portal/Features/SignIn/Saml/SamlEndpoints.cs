using Microsoft.AspNetCore.Mvc;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// /saml/metadata, /saml/login (HTTP-Redirect AuthnRequest), /saml/acs (HTTP-POST response) and /saml/slo (Single
/// Logout, HTTP-Redirect).
/// </summary>
internal static class SamlEndpoints
{
    public static void MapSamlEndpoints(this IEndpointRouteBuilder app)
    {
        var saml = app.MapGroup("/saml").AllowAnonymous();
        saml.MapGet("/metadata", (SamlServiceProviderOptions sp) =>
            Results.Text(SpMetadataWriter.Write(sp, "VO Data Portal"), "application/samlmetadata+xml"));
        saml.MapGet("/login", LoginAsync);
        // The IdP's auto-submitted form cannot carry our antiforgery token; the pending request and its browser
        // binding play that part.
        saml.MapPost("/acs", AcsAsync).DisableAntiforgery();
        saml.MapGet("/slo", SamlSingleLogout.HandleAsync);
    }

    /// <summary>
    /// Starts a sign-in at the chosen IdP. The choice comes from the portal's own page (<c>idp</c>) or from an
    /// external discovery service answering per the SAML IdP Discovery protocol (<c>entityID</c>, its default
    /// returnIDParam). Either way it is only a name: it is looked up in the trusted directory, and an unknown one
    /// ends in the readable failure page.
    /// </summary>
    private static async Task<IResult> LoginAsync(
        string? idp, [FromQuery(Name = "entityID")] string? entityId, string? returnUrl, HttpContext http,
        SamlIdentityProviders idps, AuthnRequestBuilder requests, PendingSignInStore pending, CancellationToken ct)
    {
        // Two different answers in one request are ambiguous; neither is guessed at.
        var chosen = idp is not null && entityId is not null && idp != entityId ? null : idp ?? entityId;
        var provider = chosen is null ? null : idps.Find(chosen);
        if (provider?.RedirectSsoUrl is null)
        {
            return Results.Redirect("/signin/failed?reason=" + Uri.EscapeDataString(SamlReasons.IdpUnknown));
        }
        Discovery.LastChoiceCookie.Remember(http, provider.EntityId);
        var redirect = requests.Build(provider, ReturnPath.SanitizeOrHome(returnUrl));
        var nonce = PendingSignInStore.NewNonce();
        await pending.SaveAsync(redirect.Pending, nonce, ct);
        http.Response.Cookies.Append(PendingSignInStore.BindingCookie, nonce, new CookieOptions
        {
            HttpOnly = true,
            Path = "/saml",
            MaxAge = TimeSpan.FromMinutes(15),
            // Behind TLS the IdP's POST is cross-site, and only SameSite=None travels with it; plain-HTTP demos on
            // localhost are same-site, where Lax does.
            Secure = http.Request.IsHttps,
            SameSite = http.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
            IsEssential = true,
        });
        return Results.Redirect(redirect.Url);
    }

    private static async Task<IResult> AcsAsync(
        [FromForm(Name = "SAMLResponse")] string? samlResponse, [FromForm(Name = "RelayState")] string? relayState,
        HttpContext http, SamlResponseValidator validator, PendingSignInStore pendingStore, SamlIdentityProviders idps,
        PortalDb db, AuditLog audit, SessionIssuer sessions, TimeProvider time, Hosting.PortalMetrics metrics, CancellationToken ct)
    {
        var nonce = http.Request.Cookies[PendingSignInStore.BindingCookie];
        http.Response.Cookies.Delete(PendingSignInStore.BindingCookie, new CookieOptions { Path = "/saml" });
        var pending = await pendingStore.TakeAsync(relayState, nonce, ct);
        var result = await validator.ValidateAsync(samlResponse, relayState, pending, ct);
        var ip = http.Connection.RemoteIpAddress?.ToString();

        if (result.Failure is { } failure)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Failure, new AuditActor(null, null, ip), reason: failure.Code,
                details: new { method = "saml", idp = result.IdpEntityId, responseId = result.ResponseId, detail = failure.Detail });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("saml", failure.Code);
            return Results.Redirect("/signin/failed?reason=" + Uri.EscapeDataString(failure.Code));
        }

        var identity = result.Identity!;
        var user = await FederatedUsers.UpsertAsync(db, identity, idps.Find(identity.IdpEntityId)!, time.GetUtcNow(), ct);
        if (user.Suspended)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Denied, new AuditActor(user.Id, user.DisplayName, ip), reason: "account.suspended",
                details: new { method = "saml", idp = identity.IdpEntityId });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("saml", "account.suspended");
            return Results.Redirect("/signin/failed?reason=account.suspended");
        }
        await sessions.SignInAsync(http, user, "saml", ct, identity.SessionNotOnOrAfter,
            new { idp = identity.IdpEntityId, identifier = identity.UserIdSource, encrypted = result.WasEncrypted, dropped = identity.DroppedValues },
            new Sessions.SessionOrigin("saml", identity.IdpEntityId) { SamlNameId = identity.NameId, SamlSessionIndex = identity.SessionIndex });
        return Results.Redirect(result.ReturnPath);
    }
}
