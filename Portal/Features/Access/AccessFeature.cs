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
        SubmitRequest.Map(requests);
        ListMyRequests.Map(requests);
        ListRequestInbox.Map(requests);
        GetRequestForm.Map(requests);
        GetRequest.Map(requests);
        WithdrawRequest.Map(requests);
        ApproveRequest.Map(requests);
        DenyRequest.Map(requests);

        var grants = api.MapGroup("/grants").WithTags("Grants");
        CreateGrant.Map(grants);
        ListMyGrants.Map(grants);
        ListDatasetGrants.Map(grants);
        WhoHasAccess.Map(grants);
        GetGrant.Map(grants);
        ExtendGrant.Map(grants);
        RevokeGrant.Map(grants);
        RequestExtension.Map(grants);

        ExplainAccess.Map(api);
        return api;
    }
}
