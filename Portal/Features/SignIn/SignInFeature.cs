using Portal.Features.SignIn.Oidc;
using Portal.Features.SignIn.Saml;

namespace Portal.Features.SignIn;

/// <summary>
/// Sign-in and sessions: the session cookie and the bearer scheme, SAML (federations, ACS, single logout), OpenID
/// Connect, the session issuer and sign-out. Refusals are reason codes (<see cref="SamlReasons"/>,
/// <see cref="OidcReasons"/>) shown on /signin/failed and /signout/failed and put in problem details as <c>code</c>.
/// </summary>
public static class SignInFeature
{
    public static IServiceCollection AddSignIn(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        // Read first: a bad SAML or OIDC setting stops the start with a message naming it.
        var saml = SamlSettings.Read(configuration);
        var oidc = OidcSettings.Read(configuration);
        services.AddScoped<SessionIssuer>();
        services.AddPortalAuthentication(environment);
        services.AddSaml(saml);
        services.AddOidc(oidc, environment);
        return services;
    }

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapSignOut();
        if (app.ServiceProvider.GetRequiredService<SamlSettings>().Enabled)
        {
            app.MapSamlEndpoints();
        }
        app.MapOidcEndpoints();
        return app;
    }
}
