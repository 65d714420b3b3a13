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
        services.AddGrpc();
        services.AddSingleton<OrderSigningKey>();
        return services;
    }

    public static RouteGroupBuilder MapSites(this RouteGroupBuilder api) => api;

    public static IEndpointRouteBuilder MapSiteLink(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<SiteLinkService>();
        return app;
    }
}
