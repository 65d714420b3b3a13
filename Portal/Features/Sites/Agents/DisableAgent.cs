using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Sites.Agents;

/// <summary>
/// The owner disables one of her agents: it may not connect, and the database trigger on disabled_at tells every
/// portal instance, whose link ends the agent's connection at once. Disabling twice is harmless.
/// </summary>
public static class DisableAgent
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder sites) =>
        sites.MapPost("/agents/{id:guid}/disable", Endpoint).WithName("DisableSiteAgent")
            .WithSummary("Disable a site agent at once, on every portal instance (owner only).");

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] SitesServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static Task<Outcome<AgentView>> HandleAsync(SitesServices services, Caller caller, Guid id, CancellationToken ct) =>
        AgentSwitch.SetAsync(services, caller, id, disable: true, ct);
}
