namespace Portal.Features.SignIn.Saml;

internal static class SamlServices
{
    public static IServiceCollection AddSaml(this IServiceCollection services, SamlSettings settings)
    {
        services.AddSingleton(settings);
        services.AddHttpClient();
        // Always present (empty when SAML is off) so the sign-in page can list what there is.
        services.AddSingleton<FederationLoader>();
        services.AddSingleton<SamlIdentityProviders>();
        services.AddHostedService(sp => sp.GetRequiredService<SamlIdentityProviders>());
        // Registered after the directory, so its first schedule sees the aggregates the directory loaded.
        services.AddSingleton<FederationRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<FederationRefresher>());
        if (settings.ServiceProvider is not { } sp)
        {
            return services;
        }
        services.AddSingleton(sp);
        services.AddSingleton<ISamlReplayCache, PostgresSamlReplayCache>();
        services.AddSingleton<PendingSignInStore>();
        services.AddSingleton<AuthnRequestBuilder>();
        services.AddSingleton(s => new SamlLogout(sp, s.GetRequiredService<SamlIdentityProviders>(), s.GetRequiredService<TimeProvider>()));
        services.AddSingleton(s => new SamlResponseValidator(
            sp, s.GetRequiredService<SamlIdentityProviders>(), s.GetRequiredService<ISamlReplayCache>(), s.GetRequiredService<TimeProvider>()));
        return services;
    }
}
