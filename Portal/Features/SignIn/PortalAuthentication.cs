using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Portal.Hosting;

namespace Portal.Features.SignIn;

/// <summary>
/// The portal session: a cookie issued after federated (or, in Development, demo) sign-in.
/// Lifetimes follow the Shibboleth SP: 1 h of inactivity, 8 h at most. Deny by default: every endpoint needs a
/// signed-in user unless it says otherwise.
/// </summary>
public static class PortalAuthentication
{
    public const string PortalScheme = "portal";
    public const string AuthTimeClaim = "auth_time";
    public const string IssuerClaim = "idp";
    public const string NotAfterClaim = "session_not_after";

    /// <summary>Names the server-side <see cref="Sessions.PortalSession"/> this cookie belongs to.</summary>
    public const string SessionIdClaim = "portal_sid";
    public const string SessionCookieName = "portal_session";
    public const string AuditorPolicy = "auditor";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(1);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(8);

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IWebHostEnvironment environment)
    {
        services.AddAuthentication(PortalScheme)
            // A request with a Bearer header is judged by its token alone; anything else by the session cookie.
            .AddPolicyScheme(PortalScheme, "Session or API token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? Tokens.BearerTokens.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, Tokens.BearerTokens>(Tokens.BearerTokens.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = SessionCookieName;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: the IdP's POST back to the ACS must still carry the pending-request cookie.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.ExpireTimeSpan = IdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/denied";
                o.Events.OnRedirectToLogin = ctx => ApiOr(ctx, StatusCodes.Status401Unauthorized,
                    "Sign-in required.", "Sign in through your institution, or send a personal API token as a Bearer token.");
                o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx, StatusCodes.Status403Forbidden,
                    "Not allowed.", "Your account has no permission for this action.");
                o.Events.OnValidatePrincipal = RejectPastAbsoluteLifetime;
            });

        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, Sessions.SessionRevalidation>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AuditorPolicy, p => p.RequireAuthenticatedUser().RequireRole(nameof(PlatformRoles.Auditor)));
        return services;
    }

    private static async Task ApiOr(RedirectContext<CookieAuthenticationOptions> ctx, int status, string title, string detail)
    {
        if (!ErrorHandling.IsApi(ctx.Request))
        {
            ctx.Response.Redirect(ctx.RedirectUri);
            return;
        }
        ctx.Response.StatusCode = status;
        var problems = ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = ctx.HttpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static async Task RejectPastAbsoluteLifetime(CookieValidatePrincipalContext ctx)
    {
        var authTime = ctx.Principal?.FindFirstValue(AuthTimeClaim);
        var now = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var notAfter = ctx.Principal?.FindFirstValue(NotAfterClaim);
        if (authTime is null || !long.TryParse(authTime, out var seconds) ||
            now - DateTimeOffset.FromUnixTimeSeconds(seconds) > AbsoluteLifetime ||
            (notAfter is not null && (!long.TryParse(notAfter, out var end) || now >= DateTimeOffset.FromUnixTimeSeconds(end))) ||
            !await Sessions.SessionStore.IsLiveAsync(ctx.HttpContext, ctx.Principal?.FindFirstValue(SessionIdClaim)))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
