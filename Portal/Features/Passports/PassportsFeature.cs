namespace Portal.Features.Passports;

/// <summary>GA4GH Passports: the visa signing keys, /api/permissions/{user} and /.well-known/jwks.json.</summary>
public static class PassportsFeature
{
    public static IServiceCollection AddPassports(this IServiceCollection services)
    {
        services.AddSingleton<VisaKeys>();
        return services;
    }

    /// <param name="app">The JWKS lies outside /api, where verifiers look for it, and is public.</param>
    public static RouteGroupBuilder MapPassports(this RouteGroupBuilder api, IEndpointRouteBuilder app)
    {
        api.MapPassportApi(app);
        return api;
    }
}
