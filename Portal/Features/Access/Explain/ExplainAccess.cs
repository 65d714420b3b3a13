using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Access.Explain;

/// <summary>GET /api/datasets/{id}/access/explain: what the policy engine decides for the caller, and why.</summary>
public static class ExplainAccess
{
    /// <summary>The question: the action (export by default) and the declared purpose, as the query string spells them.</summary>
    public sealed record Input(string? Purpose, bool? Commercial, string? Ethics, string? Action);

    public sealed record ReasonDto(string Code, string Sentence);

    public sealed record ObligationsDto(
        Guid GrantId, IReadOnlyList<string>? Columns, int K, int ProfileVersion, DateTimeOffset ExpiresAt,
        string ConsentPurpose, string Terms);

    public sealed record ExplainResponse(
        Guid DatasetId, string Action, string Purpose, string Decision, IReadOnlyList<ReasonDto> Reasons, ObligationsDto? Obligations);

    private static readonly Dictionary<string, PolicyAction> Actions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["export"] = PolicyAction.ExportData,
        ["view"] = PolicyAction.ViewMetadata,
        ["request"] = PolicyAction.RequestAccess,
        ["manage"] = PolicyAction.ManageDataset,
        ["decide"] = PolicyAction.DecideRequests,
        ["audit"] = PolicyAction.ViewAudit,
    };

    internal static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/datasets/{id:guid}/access/explain", Endpoint)
            .WithName("ExplainAccess")
            .WithTags("Access")
            .WithSummary("The caller's access to a dataset for a declared purpose: the decision, every reason, and on permit the obligations.");

    private static Results<Ok<ExplainResponse>, ProblemHttpResult> Endpoint(
        Guid id, string? purpose, bool? commercial, string? ethics, string? action, Caller caller, [AsParameters] AccessServices services) =>
        Handle(services, caller, id, new Input(purpose, commercial, ethics, action)).OkOr();

    /// <summary>Decides without reading the database: the engine's answer is what an export would get now.</summary>
    public static Outcome<ExplainResponse> Handle(AccessServices services, Caller caller, Guid datasetId, Input input)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        if (!Actions.TryGetValue(input.Action ?? "export", out var policyAction))
        {
            return Failure.Invalid("access.explain.unknown_action", "action", $"Unknown action '{input.Action}'; use one of {string.Join(", ", Actions.Keys)}.");
        }
        var declared = default(DeclaredPurpose);
        if (input.Purpose is not null || policyAction is PolicyAction.ExportData or PolicyAction.RequestAccess)
        {
            if (!PurposeCodes.TryParseDeclared(input.Purpose, input.Commercial ?? false, input.Ethics, out declared, out var error))
            {
                return Failure.Invalid("access.purpose.invalid", "purpose", error!);
            }
        }
        var decision = services.Engine.Decide(new AccessQuestion(me, policyAction, datasetId, services.Time.GetUtcNow(), declared,
            Tokens.BearerTokens.ClientOf(caller.Principal)));
        services.Metrics.Decision("explain", decision.Effect);
        var reasons = decision.Explain().Select(r => new ReasonDto(r.Code, r.Sentence)).ToList();
        // A denial's reasons would tell someone who neither sees the dataset nor holds a grant on it that its id exists
        // (grant.none rather than dataset.unknown): they get the answer an id that names nothing gets. Visibility is the person's.
        if (DatasetExistence.IsHiddenFrom(services.Engine, me, datasetId, decision, services.Time.GetUtcNow()))
        {
            reasons = [new ReasonDto("dataset.unknown", "There is no such dataset or VO.")];
        }
        var o = decision.Obligations;
        return new ExplainResponse(
            datasetId,
            policyAction.ToString(),
            declared.IsDeclared ? (declared.Disease is null ? declared.Code.ToString() : $"{declared.Code}:{declared.Disease}") : "",
            decision.Effect.ToString(),
            reasons,
            decision.IsPermit && o.Grant is not null
                ? new ObligationsDto(o.PseudonymKeyScope, o.Columns, o.K, o.AnonymizationProfileVersion, o.ExpiresAt,
                    o.ConsentFilterPurpose.Code.ToString(), o.Terms.ToString())
                : null);
    }
}
