using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;
using Portal.Components;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.AccessRequests;
using Portal.Features.Audit;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.Exports;
using Portal.Features.Grants;
using Portal.Features.Me;
using Portal.Features.Notifications;
using Portal.Features.Passports;
using Portal.Features.SignIn;
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
        Features.Exports.DatasetSources.ReadClassCount(builder.Configuration);

        builder.AddPortalLogging();
        builder.AddPortalTelemetry();
        var services = builder.Services;
        services.AddPortalForwardedHeaders(builder.Configuration);
        services.AddDbContextFactory<PortalDb>(o => PortalDbSetup.Configure(o, connectionString));
        services.AddScoped(sp => sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDb>>().CreateDbContext());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ClusterSingleton(connectionString, sp.GetRequiredService<ILogger<ClusterSingleton>>()));
        services.AddAudit();
        services.AddDemo();
        services.AddTokens();
        services.AddPassports();
        services.AddSingleton<Features.Exports.DatasetCredentials>();
        services.AddSingleton<Features.Exports.DatasetSources>();
        services.AddSingleton<Features.Exports.PseudonymKeys>();
        services.AddSingleton(new Policy.PolicyEngine(new Policy.PolicyData([], [], [], [])));
        services.AddSingleton<PolicySync>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicySync>());
        services.AddNotifications(builder.Configuration);
        services.AddVirtualOrganizations();
        services.AddSingleton<Features.Grants.GrantService>();
        services.AddSingleton<Features.AccessRequests.AccessRequestService>();
        services.AddSingleton<Features.Grants.GrantReminderJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Grants.GrantReminderJob>());
        services.AddSingleton<Features.Datasets.UploadSweepJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Datasets.UploadSweepJob>());
        services.AddSingleton<DatasetService>();
        services.AddSingleton<DatasetUploads>();

        services.AddDataProtection().PersistKeysToDbContext<PortalDb>().SetApplicationName("vo-data-portal");
        services.AddSignIn(builder.Configuration, builder.Environment);
        services.AddPortalProblemDetails();
        services.AddPortalRateLimits(builder.Configuration);
        services.AddPortalHealthChecks();
        services.AddPortalApiDocs();
        services.AddHttpContextAccessor();

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
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapPortalHealthChecks();
        app.MapPortalMetrics();
        app.MapPortalApiDocs();

        var api = app.MapGroup("/api").RequireAuthorization().RequireRateLimiting(RateLimits.ApiPolicy);
        api.MapMe();
        api.MapExplainApi();
        api.MapExportApi();
        api.MapTokens();
        api.MapAudit();
        api.MapPassports(app);
        api.MapVirtualOrganizations();
        api.MapDatasetApi();
        api.MapNotifications();
        api.MapAccessRequestApi();
        api.MapGrantApi();

        app.MapSignIn();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
