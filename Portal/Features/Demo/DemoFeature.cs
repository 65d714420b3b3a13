namespace Portal.Features.Demo;

/// <summary>The demo world (`--seed-demo`): people, a VO, datasets and grants to try the portal with.</summary>
public static class DemoFeature
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoSeed>();
        return services;
    }
}
