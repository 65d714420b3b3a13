using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;
using Portal.Components;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.Audit;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.Exports;
using Portal.Features.Me;
using Portal.Features.Notifications;
using Portal.Features.Passports;
using Portal.Features.SignIn;
using Portal.Features.Sites;
using Portal.Features.Tokens;
using Portal.Features.VirtualOrganizations;

namespace Portal.Hosting;

/// <summary>Composition of the portal: services in AddPortal, the request pipeline and endpoints in MapPortal.</summary>
public static class PortalApp
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = DatabaseConnectivity.RequireConnectionString(builder.Configuration);
        Features.Datasets.Sources.DatasetSources.ReadClassCount(builder.Configuration);

        builder.AddPortalLogging();
        builder.AddPortalTelemetry();
        builder.AddAgentEndpoint();
        var services = builder.Services;
        services.AddPortalForwardedHeaders(builder.Configuration);
        services.AddPortalHostFiltering(builder.Configuration, builder.Environment);
        services.AddDbContextFactory<PortalDb>(o => PortalDbSetup.Configure(o, connectionString));
        services.AddScoped(sp => sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDb>>().CreateDbContext());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ClusterSingleton(connectionString, sp.GetRequiredService<ILogger<ClusterSingleton>>()));
        services.AddAudit();
        services.AddDemo(builder.Configuration);
        services.AddTokens();
        services.AddPassports();
        services.AddSingleton(new Policy.PolicyEngine(new Policy.PolicyData([], [], [], [])));
        services.AddNotifications(builder.Configuration);
        services.AddVirtualOrganizations();
        services.AddAccess();
        services.AddDatasets();
        services.AddExports();
        services.AddSites();

        services.AddDataProtection().PersistKeysToDbContext<PortalDb>().SetApplicationName("vo-data-portal");
        services.AddSignIn(builder.Configuration, builder.Environment);
        services.AddPortalProblemDetails();
        services.AddPortalRateLimits(builder.Configuration);
        services.AddPortalHealthChecks();
        services.AddPortalApiDocs();
        services.AddHttpContextAccessor();
        PageCaller.AddPageCallers(services);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // First: everything after it (HSTS, cookies, SAML URLs, audit addresses) must see the browser's scheme and address.
        app.UsePortalForwardedHeaders();
        app.UsePortalErrorHandling();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        app.UseRequestGuard();
        app.UseAuthentication();
        app.UseCrossOriginRefusal();
        app.UseAuthorization();
        app.UseRateLimiter();
        // After the rate limiter, so refused scopes count; before antiforgery and the endpoint, so no body is read for them.
        app.UseTokenScopes();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapPortalHealthChecks();
        app.MapPortalMetrics();
        app.MapPortalApiDocs();

        var api = app.MapGroup("/api").RequireAuthorization().RequireRateLimiting(RateLimits.ApiPolicy);
        api.MapMe();
        api.MapTokens();
        api.MapAudit();
        api.MapPassports(app);
        api.MapVirtualOrganizations();
        api.MapDatasets();
        api.MapExports();
        api.MapNotifications();
        api.MapAccess();
        api.MapSites();
        app.MapSiteLink();

        app.MapSignIn();

        // The one CSP header is SecurityHeaders' (frame-ancestors 'none' included): Blazor adds none of its own.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
