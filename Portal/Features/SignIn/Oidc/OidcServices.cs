using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.SignIn.Oidc;

/// <summary>
/// One OpenID Connect scheme per configured provider: authorization code flow with PKCE (S256), no pushed request
/// (the authorize redirect itself carries the challenge), state and nonce checked by the handler. The handler's own
/// cookie is never used: once the provider has vouched, <see cref="OidcSignIn"/> issues the portal's session.
/// </summary>
internal static class OidcServices
{
    /// <summary>Carries the ID token from sign-out to the end-session redirect (id_token_hint); never sent in state.</summary>
    public const string IdTokenHintItem = "portal.id_token_hint";

    public static IServiceCollection AddOidc(this IServiceCollection services, OidcSettings settings, IWebHostEnvironment environment)
    {
        services.AddSingleton(settings);
        var auth = services.AddAuthentication();
        foreach (var provider in settings.Providers)
        {
            auth.AddOpenIdConnect(provider.Scheme, provider.DisplayName, o => Configure(o, provider, environment));
        }
        return services;
    }

    private static void Configure(OpenIdConnectOptions o, OidcProvider provider, IWebHostEnvironment environment)
    {
        o.Authority = provider.Authority.AbsoluteUri.TrimEnd('/');
        o.RequireHttpsMetadata = provider.RequireHttps;
        o.ClientId = provider.ClientId;
        o.ClientSecret = provider.ClientSecret;
        o.ResponseType = "code";
        o.UsePkce = true;
        o.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        o.CallbackPath = provider.CallbackPath;
        o.SignedOutCallbackPath = provider.SignedOutCallbackPath;
        o.SignedOutRedirectUri = "/";
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.Scope.Clear();
        foreach (var scope in provider.Scopes)
        {
            o.Scope.Add(scope);
        }
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true;
        // Tokens stay in the handler's properties, where OidcSignIn reads the ID token for the logout hint.
        o.SaveTokens = true;
        o.TokenValidationParameters.NameClaimType = "name";
        // On plain-HTTP loopback (the demo) SameSite=None cookies are refused without Secure; Lax still travels with
        // the provider's same-site form post there. Behind TLS the cross-site post needs None.
        if (environment.IsDevelopment())
        {
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }
        o.Events.OnTicketReceived = async ctx =>
        {
            ctx.HandleResponse();
            // The handler moved the return URL from the properties to ReturnUri.
            var target = await OidcSignIn.CompleteAsync(ctx.HttpContext, provider, ctx.Principal!, ctx.Properties!, ctx.ReturnUri, ctx.HttpContext.RequestAborted);
            ctx.Response.Redirect(target);
        };
        o.Events.OnRemoteFailure = async ctx =>
        {
            ctx.HandleResponse();
            var reason = OidcReasons.From(ctx.Failure);
            var services = ctx.HttpContext.RequestServices;
            var db = services.GetRequiredService<PortalDb>();
            services.GetRequiredService<AuditLog>().Add(db, "signin.failed", AuditOutcome.Failure,
                new AuditActor(null, null, ctx.HttpContext.Connection.RemoteIpAddress?.ToString()), reason: reason,
                details: new { method = "oidc", provider = provider.Name, detail = ctx.Failure?.Message });
            await db.SaveChangesAsync(ctx.HttpContext.RequestAborted);
            services.GetRequiredService<Hosting.PortalMetrics>().SignInFailed("oidc", reason);
            ctx.Response.Redirect("/signin/failed?reason=" + Uri.EscapeDataString(reason));
        };
        // Return URLs from the configured public URL, not the Host header (the handler keeps the message's
        // redirect_uri for the token request, so both say the same).
        o.Events.OnRedirectToIdentityProvider = ctx =>
        {
            if (ctx.HttpContext.RequestServices.GetRequiredService<PublicAddress>().Absolute(provider.CallbackPath) is { } callback)
            {
                ctx.ProtocolMessage.RedirectUri = callback;
            }
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToIdentityProviderForSignOut = ctx =>
        {
            if (ctx.HttpContext.RequestServices.GetRequiredService<PublicAddress>().Absolute(provider.SignedOutCallbackPath) is { } signedOut)
            {
                ctx.ProtocolMessage.PostLogoutRedirectUri = signedOut;
            }
            if (ctx.Properties.Items.Remove(IdTokenHintItem, out var hint) && hint is not null)
            {
                ctx.ProtocolMessage.IdTokenHint = hint;
            }
            return Task.CompletedTask;
        };
    }
}
