using Microsoft.AspNetCore.Mvc;

namespace Portal.Features.SignIn.Saml;

/// <summary>GET /saml/login: an HTTP-Redirect AuthnRequest to the chosen IdP, remembered as a pending sign-in.</summary>
internal static class StartSamlSignIn
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder saml) => saml.MapGet("/login", HandleAsync).RequireRateLimiting(Hosting.RateLimits.SignInStartPolicy);

    /// <summary>
    /// Starts a sign-in at the chosen IdP. The choice comes from the portal's own page (<c>idp</c>) or from an
    /// external discovery service answering per the SAML IdP Discovery protocol (<c>entityID</c>, its default
    /// returnIDParam). Either way it is only a name: it is looked up in the trusted directory, and an unknown one
    /// ends in the readable failure page.
    /// </summary>
    internal static async Task<IResult> HandleAsync(
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
        if (!await pending.SaveAsync(redirect.Pending, nonce, ct))
        {
            http.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-ins in progress.",
                detail: "The portal is waiting on too many unfinished sign-ins; try again in a minute.",
                extensions: new Dictionary<string, object?> { ["code"] = PendingSignInStore.TooManyPendingCode });
        }
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
}
