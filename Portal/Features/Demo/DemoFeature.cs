namespace Portal.Features.Demo;

/// <summary>The demo world (`--seed-demo`): people, a VO, datasets and grants to try the portal with.</summary>
public static class DemoFeature
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        if (DemoSiteAgent.Enabled(configuration))
        {
            services.AddHostedService<DemoSiteAgentBinder>();
        }
        services.AddScoped<DemoSeed>();
        services.AddScoped<DemoSiteAgent>();
        return services;
    }
}
