using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Writers;
using Portal.Data;
using Portal.Features.Datasets.Sources;
using Portal.Features.Tokens;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Exports.Download;

/// <summary>
/// GET /api/datasets/{id}/export: the moment data leaves. The policy decides with the caller's declared purpose; a
/// denial is audited with the policy's reason codes; on permit the dataset's profile and source are opened and
/// <see cref="ExportStream"/> streams under exactly the decision's obligations.
/// </summary>
public static class ExportDataset
{
    /// <summary>The query: declared purpose (DUO), commercial use, ethics reference, format (csv, jsonl, parquet), gzip.</summary>
    public sealed record Input(string? Purpose, bool? Commercial, string? Ethics, string? Format, bool? Gzip);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/datasets/{id:guid}/export", EndpointAsync)
            .WithName("ExportDataset").WithTags("Exports")
            .WithSummary("Stream the dataset, anonymized under your grant, for a declared purpose (csv, jsonl or parquet; gzip on request).");

    private static Task<IResult> EndpointAsync(
        Guid id, [AsParameters] Input input, Caller caller, [AsParameters] ExportServices services, HttpContext http) =>
        HandleAsync(services, caller, id, input, http);

    /// <summary>
    /// Unlike the other use cases this answers with an <see cref="IResult"/>, not an Outcome: on permit it writes the
    /// export to the response itself, as the bytes come, and its refusals carry the policy's reasons.
    /// </summary>
    public static async Task<IResult> HandleAsync(ExportServices services, Caller caller, Guid id, Input input, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(http);
        if (caller.UserId is not { } me)
        {
            return TypedResults.Unauthorized();
        }
        if (!PurposeCodes.TryParseDeclared(input.Purpose, input.Commercial ?? false, input.Ethics, out var declared, out var purposeError))
        {
            return Failure.Invalid("export.purpose.invalid", "purpose", purposeError!).ToProblem();
        }
        if (!ExportFormats.TryParse(input.Format, out var format))
        {
            return Failure.Invalid("export.format.unknown", "format", $"Unknown format '{input.Format}'; use csv, jsonl or parquet.").ToProblem();
        }
        var question = new AccessQuestion(me, PolicyAction.ExportData, id, services.Time.GetUtcNow(), declared, BearerTokens.ClientOf(caller.Principal));
        var decision = services.Engine.Decide(question);
        services.Metrics.Decision("export", decision.Effect);
        var purposeText = declared.Disease is null ? declared.Code.ToString() : $"{declared.Code}:{declared.Disease}";

        await using var db = await services.Dbs.CreateDbContextAsync(http.RequestAborted);
        if (!decision.IsPermit)
        {
            // export.denied below is the richer event (purpose, format, every reason): no second, generic one.
            RefusalPolicy.MarkAudited(http);
            return await DeniedAsync(services, db, caller, id, decision, purposeText, format, http.RequestAborted);
        }
        // Taken before the source is opened: a refused export holds nothing.
        var slots = http.RequestServices.GetRequiredService<ExportSlots>();
        using var slot = slots.TryTake(me, id);
        if (slot is null)
        {
            return slots.TooMany(http);
        }
        var prepared = await PrepareAsync(services, db, caller, question, decision, purposeText, format, input.Gzip ?? false, http.RequestAborted);
        if (prepared.Refusal is { } refusal)
        {
            return refusal;
        }
        return await ExportStream.RunAsync(http, services, db, prepared.Export!);
    }

    /// <summary>403 with the policy's reasons, each a code and a sentence; the first reason is the problem's code and the audit reason.</summary>
    private static async Task<IResult> DeniedAsync(ExportServices services, PortalDb db, Caller caller, Guid id, Decision decision,
        string purposeText, ExportFormat format, CancellationToken ct)
    {
        var reasons = decision.Explain();
        var code = reasons.Count > 0 ? reasons[0].Code : "policy.denied";
        services.Audit.Add(db, "export.denied", AuditOutcome.Denied, caller.Actor, datasetId: id, reason: reasons.Count > 0 ? reasons[0].Code : null,
            details: new { purpose = purposeText, format = format.ToString(), reasons = reasons.Select(r => r.Code) });
        await db.SaveChangesAsync(ct);
        // Someone who neither sees the dataset in a catalogue nor holds a grant on it learns nothing from its id: the
        // same 404 as for an id that names nothing (the audit above keeps the policy's real reasons). Visibility is the
        // person's, not the token's; a grantee still hears why (withdrawn, expired, another purpose).
        if (DatasetExistence.IsHiddenFrom(services.Engine, caller.UserId!.Value, id, decision, services.Time.GetUtcNow()))
        {
            return ExportProblems.Problem(StatusCodes.Status404NotFound, DatasetExistence.UnknownCode, "Not found.", "There is no such dataset, or you may not see it.");
        }
        return ExportProblems.Problem(StatusCodes.Status403Forbidden, code, "Export not permitted.", string.Join(" ", reasons.Select(r => r.Sentence)),
            new Dictionary<string, object?> { ["reasons"] = reasons.Select(r => new { code = r.Code, sentence = r.Sentence }).ToList() });
    }


    private sealed record Prepared(PermittedExport? Export, IResult? Refusal);

    /// <summary>The dataset's profile and source opened under the decision's obligations, or the problem that stops the export before any byte.</summary>
    private static async Task<Prepared> PrepareAsync(ExportServices services, PortalDb db, Caller caller, AccessQuestion question, Decision decision,
        string purposeText, ExportFormat format, bool gzip, CancellationToken ct)
    {
        const string ContractBroken = "export.profile.contradicts_classification";
        var id = question.ResourceId;
        var grant = decision.Obligations.Grant!;
        var dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id, ct);
        if (dataset.AnonymizationProfile is null)
        {
            return new(null, ExportProblems.Problem(StatusCodes.Status409Conflict, "export.profile.missing", "The dataset has no anonymization profile yet.",
                "Nothing can leave a dataset before its owner sets how it is anonymized."));
        }
        var atSite = dataset.Connector.Kind == ConnectorKind.Agent;
        // Behind an agent the pseudonym secret is the site's: the portal never holds it.
        if (!atSite && !services.Keys.IsConfigured)
        {
            return new(null, ExportProblems.Problem(StatusCodes.Status503ServiceUnavailable, "export.not_configured", "Exports are not configured.",
                "The portal has no pseudonym master secret; ask its operator."));
        }
        AnonymizationProfile profile;
        Connectors.Sources.ExportSource? source = null;
        try
        {
            profile = AnonymizationProfile.Parse(dataset.AnonymizationProfile);
            // Re-checked at every export: a profile or classification stored before the contract existed, or edited
            // behind the portal's back, must not let out what the owner classified otherwise.
            if (ProfileContract.Check(dataset.Columns, profile, FailureKind.Conflict, ContractBroken) is { } contradiction)
            {
                services.Audit.Add(db, "export.failed", AuditOutcome.Failure, caller.Actor, datasetId: id, grantId: grant.Id, reason: ContractBroken,
                    details: new { violations = contradiction.Details });
                await db.SaveChangesAsync(ct);
                return new(null, ExportProblems.Problem(StatusCodes.Status409Conflict, ContractBroken,
                    "The dataset's anonymization profile contradicts its column classification.", contradiction.Message));
            }
            if (!atSite)
            {
                source = services.Sources.Open(dataset);
            }
        }
        catch (Exception e) when (e is ProfileValidationException or DatasetSourceException)
        {
            var code = e is DatasetSourceException unusable ? unusable.Code : ProfileValidationException.Code;
            services.Audit.Add(db, "export.failed", AuditOutcome.Failure, caller.Actor, datasetId: id, grantId: grant.Id, reason: code, details: new { error = e.Message });
            await db.SaveChangesAsync(ct);
            return new(null, ExportProblems.Problem(StatusCodes.Status503ServiceUnavailable, code, "The dataset's source cannot be read now.", e.Message));
        }
        var request = new ExportRequest
        {
            Profile = profile,
            // The consent rules speak the declared purpose as people write it: "DS:HIV", "HMB".
            Purpose = ConsentPurpose(decision.Obligations.ConsentFilterPurpose),
            PurposeText = purposeText,
            // At a site the agent derives the key from its own secret; this request then only describes the export.
            GrantKey = atSite ? new byte[32] : services.Keys.ForGrant(grant.Id),
            GrantId = grant.Id.ToString("D"),
            Columns = decision.Obligations.Columns,
            K = decision.Obligations.K,
            Format = format,
            Gzip = gzip,
            Clock = services.Time,
        };
        var order = atSite ? await SiteOrderFor.ExportAsync(services, db, dataset, question.SubjectId, grant, request, ct) : null;
        return new(new PermittedExport(question, grant.Id, id, dataset.Name, caller.Actor, source, request, purposeText, order), null);
    }

    private static string ConsentPurpose(DeclaredPurpose p) => p.Disease is null ? p.Code.ToString() : $"{p.Code}:{p.Disease}";
}
