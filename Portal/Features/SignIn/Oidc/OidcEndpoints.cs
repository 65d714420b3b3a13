using Microsoft.AspNetCore.Authentication;
using Portal.Features.SignIn.Saml;

namespace Portal.Features.SignIn.Oidc;

/// <summary>/oidc/login?provider=&lt;name&gt;: the discovery page's way into a provider's challenge.</summary>
internal static class OidcEndpoints
{
    public static void MapOidcEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/oidc/login", (string? provider, string? returnUrl, HttpContext http, OidcSettings settings) =>
        {
            // Only a configured name; anything else is the readable failure page, not a guess.
            if (settings.Find(provider) is not { } chosen)
            {
                return Results.Redirect("/signin/failed?reason=" + OidcReasons.ProviderUnknown);
            }
            Discovery.LastChoiceCookie.Remember(http, chosen.DiscoveryId);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = ReturnPath.SanitizeOrHome(returnUrl) }, [chosen.Scheme]);
        }).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.SignInStartPolicy);
}
