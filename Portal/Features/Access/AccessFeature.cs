using Portal.Features.Access.Decisions;
using Portal.Features.Access.Explain;
using Portal.Features.Access.Grants;
using Portal.Features.Access.Requests;

namespace Portal.Features.Access;

/// <summary>
/// Access: requests and their decisions, grants and their extensions, the policy engine kept equal to the database,
/// and the explain API. Registers its services and background jobs, and maps its endpoints.
/// </summary>
public static class AccessFeature
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessServices>();
        services.AddSingleton<PolicySync>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicySync>());
        services.AddSingleton<GrantReminderJob>();
        services.AddHostedService(sp => sp.GetRequiredService<GrantReminderJob>());
        return services;
    }

    public static RouteGroupBuilder MapAccess(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var requests = api.MapGroup("/access-requests").WithTags("Access requests");
        SubmitRequest.Map(requests).RequireScope(Scopes.RequestsWrite);
        ListMyRequests.Map(requests).RequireScope(Scopes.CatalogueRead);
        ListRequestInbox.Map(requests).RequireScope(Scopes.CatalogueRead);
        GetRequestForm.Map(requests).RequireScope(Scopes.CatalogueRead);
        GetRequest.Map(requests).RequireScope(Scopes.CatalogueRead);
        WithdrawRequest.Map(requests).RequireScope(Scopes.RequestsWrite);
        ApproveRequest.Map(requests).RequireScope(Scopes.RequestsDecide);
        DenyRequest.Map(requests).RequireScope(Scopes.RequestsDecide);

        var grants = api.MapGroup("/grants").WithTags("Grants");
        CreateGrant.Map(grants).RequireScope(Scopes.RequestsDecide);
        ListMyGrants.Map(grants).RequireScope(Scopes.CatalogueRead);
        ListDatasetGrants.Map(grants).RequireScope(Scopes.CatalogueRead);
        WhoHasAccess.Map(grants).RequireScope(Scopes.CatalogueRead);
        GetGrant.Map(grants).RequireScope(Scopes.CatalogueRead);
        ExtendGrant.Map(grants).RequireScope(Scopes.RequestsDecide);
        RevokeGrant.Map(grants).RequireScope(Scopes.RequestsDecide);
        RequestExtension.Map(grants).RequireScope(Scopes.RequestsWrite);

        ExplainAccess.Map(api).RequireScope(Scopes.CatalogueRead);
        return api;
    }
}
