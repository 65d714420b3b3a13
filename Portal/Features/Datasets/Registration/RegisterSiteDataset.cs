using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// A dataset that lives behind one of the caller's site agents: the portal stores the agent and the dataset's name in
/// the agent's site policy, never a credential; the agent describes the columns (names and types only).
/// </summary>
public static class RegisterSiteDataset
{
    public sealed record Input(string? Name, string? Description, Guid? AgentId, string? SiteDataset);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/site", EndpointAsync).WithName("RegisterSiteDataset")
            .WithSummary("Register a dataset your site agent exposes (agentId, siteDataset); the agent describes its columns, stored as Unclassified. You own it, as a draft.");

    private static async Task<Results<Created<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, input ?? new Input(null, null, null, null), ct)).CreatedOrProblem();

    public static async Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (input.AgentId is not { } agentId)
        {
            return Failure.Invalid("dataset.site.agent_required", "agentId", "agentId is required: the site agent that holds the data.");
        }
        var siteDataset = input.SiteDataset?.Trim() ?? "";
        if (siteDataset.Length == 0)
        {
            return Failure.Invalid("dataset.site.dataset_required", "siteDataset", "siteDataset is required: the dataset's name in the agent's site policy.");
        }
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using (var db = await services.Dbs.CreateDbContextAsync(ct))
        {
            // Someone else's agent is as unknown as no agent: its existence is not told.
            var agent = await db.SiteAgents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId && a.OwnerId == me, ct);
            if (agent is null)
            {
                return Failure.Invalid("dataset.site.agent_unknown", "agentId", "You have no site agent with this id.");
            }
            if (agent.DisabledAt is not null)
            {
                return Failure.Invalid("dataset.site.agent_disabled", "agentId", "This site agent is disabled; enable it first.");
            }
            if (!agent.SiteDatasets.Contains(siteDataset, StringComparer.Ordinal))
            {
                return Failure.Invalid("dataset.site.not_exposed", "siteDataset",
                    $"The agent's site policy does not expose '{siteDataset}' (it exposes: {string.Join(", ", agent.SiteDatasets)}).");
            }
        }
        return await NewDataset.RegisterAsync(services, caller, input.Name, input.Description,
            new ConnectorSettings { Kind = ConnectorKind.Agent, AgentId = agentId, SiteDataset = siteDataset }, ct);
    }
}
