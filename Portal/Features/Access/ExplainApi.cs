using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.SignIn;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Access;

/// <summary>GET /api/datasets/{id}/access/explain: what the policy engine decides for the caller, and why.</summary>
internal static class ExplainApi
{
    public static void MapExplainApi(this RouteGroupBuilder api) =>
        api.MapGet("/datasets/{id:guid}/access/explain", Explain)
            .WithName("ExplainAccess")
            .WithSummary("The caller's access to a dataset for a declared purpose: the decision, every reason, and on permit the obligations.");

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

    private static Results<Ok<ExplainResponse>, ProblemHttpResult, UnauthorizedHttpResult> Explain(
        Guid id, string? purpose, bool? commercial, string? ethics, string? action,
        HttpContext http, PolicyEngine engine, TimeProvider time, Hosting.PortalMetrics metrics)
    {
        if (http.User.UserId() is not { } me)
        {
            return TypedResults.Unauthorized();
        }
        if (!Actions.TryGetValue(action ?? "export", out var policyAction))
        {
            return Failure.Invalid("action", $"Unknown action '{action}'; use one of {string.Join(", ", Actions.Keys)}.").ToProblem();
        }
        var declared = default(DeclaredPurpose);
        if (purpose is not null || policyAction is PolicyAction.ExportData or PolicyAction.RequestAccess)
        {
            if (!PurposeCodes.TryParseDeclared(purpose, commercial ?? false, ethics, out declared, out var error))
            {
                return Failure.Invalid("purpose", error!).ToProblem();
            }
        }
        var decision = engine.Decide(new AccessQuestion(me, policyAction, id, time.GetUtcNow(), declared, Tokens.BearerTokens.ClientOf(http.User)));
        metrics.Decision("explain", decision.Effect);
        var o = decision.Obligations;
        return TypedResults.Ok(new ExplainResponse(
            id,
            policyAction.ToString(),
            declared.IsDeclared ? (declared.Disease is null ? declared.Code.ToString() : $"{declared.Code}:{declared.Disease}") : "",
            decision.Effect.ToString(),
            [.. decision.Explain().Select(r => new ReasonDto(r.Code, r.Sentence))],
            decision.IsPermit && o.Grant is not null
                ? new ObligationsDto(o.PseudonymKeyScope, o.Columns, o.K, o.AnonymizationProfileVersion, o.ExpiresAt,
                    o.ConsentFilterPurpose.Code.ToString(), o.Terms.ToString())
                : null));
    }
}
