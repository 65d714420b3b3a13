using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Sites.Agents;

/// <summary>The owner lets a disabled agent connect again (with the same key). Enabling an enabled agent is harmless.</summary>
public static class EnableAgent
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder sites) =>
        sites.MapPost("/agents/{id:guid}/enable", Endpoint).WithName("EnableSiteAgent")
            .WithSummary("Let a disabled site agent connect again (owner only).");

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] SitesServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static Task<Outcome<AgentView>> HandleAsync(SitesServices services, Caller caller, Guid id, CancellationToken ct) =>
        AgentSwitch.SetAsync(services, caller, id, disable: false, ct);
}
