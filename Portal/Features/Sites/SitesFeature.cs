using Portal.Features.Sites.Agents;
using Portal.Features.Sites.Enrollment;
using Portal.Features.Sites.Link;

namespace Portal.Features.Sites;

/// <summary>
/// Site agents: the processes owners run next to their data. Enrollment and the owner's list of agents are HTTP API
/// and pages; the agents themselves talk to the portal over the gRPC link (<see cref="SiteLinkService"/>).
/// </summary>
public static class SitesFeature
{
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        // Unknown gRPC paths fall through to the rest of the app, so an unmapped method keeps its usual 404/405.
        services.AddGrpc(o => o.IgnoreUnknownServices = true);
        services.AddSingleton<OrderSigningKey>();
        services.AddSingleton<AgentSessions>().AddSingleton<SiteOrders>().AddSingleton<SiteLinkServices>();
        services.AddHostedService<SiteAgentChanges>();
        services.AddSingleton<SitesServices>();
        return services;
    }

    public static RouteGroupBuilder MapSites(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var sites = api.MapGroup("/sites").WithTags("Sites");
        CreateEnrollmentCode.Map(sites).RequireScope(Scopes.DatasetsManage);
        ListMyAgents.Map(sites).RequireScope(Scopes.DatasetsManage);
        DisableAgent.Map(sites).RequireScope(Scopes.DatasetsManage);
        EnableAgent.Map(sites).RequireScope(Scopes.DatasetsManage);
        return api;
    }

    public static IEndpointRouteBuilder MapSiteLink(this IEndpointRouteBuilder app)
    {
        // No cookie or token here: every call proves itself with the agent's key (Connect's challenge, Deliver's opening).
        app.MapGrpcService<SiteLinkService>().AllowAnonymous();
        return app;
    }
}
