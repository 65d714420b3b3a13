namespace Portal.Features.Tokens;

/// <summary>Personal API tokens: /api/tokens and the tokens page. The bearer scheme itself is registered with sign-in.</summary>
public static class TokensFeature
{
    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        services.AddSingleton<TokenServices>();
        return services;
    }

    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        CreateToken.Map(tokens).BrowserSessionOnly(TokenOwner.NotWithAToken);
        ListTokens.Map(tokens).BrowserSessionOnly(TokenOwner.NotWithAToken);
        RevokeToken.Map(tokens).BrowserSessionOnly(TokenOwner.NotWithAToken);
        return api;
    }
}
