using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.AccessRequests;
using Portal.Features.SignIn;

namespace Portal.Features.Grants;

/// <summary>/api/grants: the same services the pages use, as HTTP. Handlers only translate.</summary>
internal static class GrantApi
{
    public static void MapGrantApi(this RouteGroupBuilder api)
    {
        var grants = api.MapGroup("/grants").WithTags("Grants");
        grants.MapPost("/", Create).WithName("CreateGrant")
            .WithSummary("Owners and stewards: grant directly to a person, a VO, a role in a VO or a VO's members from one institution.");
        grants.MapGet("/mine", Mine).WithName("ListMyGrants")
            .WithSummary("What the caller can access now, through personal, VO, role and institution grants (?includeEnded=true adds ended and revoked personal grants).");
        grants.MapGet("/datasets/{datasetId:guid}", ForDataset).WithName("ListDatasetGrants").WithSummary("Owners and stewards: every grant of the dataset, with its status now.");
        grants.MapGet("/datasets/{datasetId:guid}/access", WhoHasAccess).WithName("WhoHasAccess")
            .WithSummary("Owners and stewards: who can use the dataset now, with the grant each comes from and when it ends.");
        grants.MapGet("/{id:guid}", Get).WithName("GetGrant").WithSummary("A grant, for its dataset's owner and stewards and for the people it covers.");
        grants.MapPost("/{id:guid}/extend", Extend).WithName("ExtendGrant").WithSummary("Owners and stewards: move the grant's end later.");
        grants.MapPost("/{id:guid}/revoke", Revoke).WithName("RevokeGrant").WithSummary("Owners and stewards: end the grant now, with a reason; in force before the answer.");
        grants.MapPost("/{id:guid}/extension-requests", RequestExtension).WithName("RequestGrantExtension")
            .WithSummary("The grantee asks for more time on a personal grant (until, description, accepted terms version).");
    }

    private static Results<Ok<T>, ProblemHttpResult> OkOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);

    private static async Task<Results<Created<GrantView>, ProblemHttpResult>> Create(DirectGrantInput? input, HttpContext http, GrantService grants, CancellationToken ct)
    {
        var o = await grants.CreateAsync(Caller.From(http), input ?? new DirectGrantInput(null, null, null, null, null, null, null, null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/grants/{o.Value!.Id}", o.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<GrantView>>, ProblemHttpResult>> Mine(bool? includeEnded, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.MineAsync(Caller.From(http), includeEnded ?? false, ct));

    private static async Task<Results<Ok<IReadOnlyList<GrantView>>, ProblemHttpResult>> ForDataset(Guid datasetId, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.ForDatasetAsync(Caller.From(http), datasetId, ct));

    private static async Task<Results<Ok<IReadOnlyList<AccessEntry>>, ProblemHttpResult>> WhoHasAccess(Guid datasetId, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.WhoHasAccessAsync(Caller.From(http), datasetId, ct));

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Get(Guid id, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.GetAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Extend(Guid id, ExtendGrantInput? input, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.ExtendAsync(Caller.From(http), id, input ?? new ExtendGrantInput(null), ct));

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Revoke(Guid id, RevokeGrantInput? input, HttpContext http, GrantService grants, CancellationToken ct) =>
        OkOr(await grants.RevokeAsync(Caller.From(http), id, input ?? new RevokeGrantInput(null), ct));

    private static async Task<Results<Created<AccessRequestView>, ProblemHttpResult>> RequestExtension(
        Guid id, ExtensionRequestInput? input, HttpContext http, AccessRequestService requests, CancellationToken ct)
    {
        var o = await requests.RequestExtensionAsync(Caller.From(http), id, input ?? new ExtensionRequestInput(null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/access-requests/{o.Value!.Id}", o.Value);
    }
}
