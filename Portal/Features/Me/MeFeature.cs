namespace Portal.Features.Me;

/// <summary>Who the portal thinks the caller is: one use case, <see cref="GetMe"/>.</summary>
internal static class MeFeature
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        GetMe.Map(api).AllowAnyScope();
        return api;
    }
}
