using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.SignIn;

namespace Portal.Features.AccessRequests;

/// <summary>/api/access-requests: the same service the pages use, as HTTP. Handlers only translate.</summary>
internal static class AccessRequestApi
{
    public static void MapAccessRequestApi(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/access-requests").WithTags("Access requests");
        requests.MapPost("/", Create).WithName("CreateAccessRequest")
            .WithSummary("Ask for a dataset your VO lists: purpose (DUO code), description, ethics reference, period, columns, accepted terms version.");
        requests.MapGet("/", Mine).WithName("ListMyAccessRequests").WithSummary("The caller's requests, newest first (?page=&pageSize=).");
        requests.MapGet("/inbox", Inbox).WithName("ListAccessRequestInbox")
            .WithSummary("Owners and stewards: requests on their datasets, pending first (?datasetId=&page=&pageSize=).");
        requests.MapGet("/form/{datasetId:guid}", Form).WithName("GetAccessRequestForm")
            .WithSummary("What the request form shows for a dataset: data use conditions, columns, terms of use and their version.");
        requests.MapGet("/{id:guid}", Get).WithName("GetAccessRequest").WithSummary("A request and its status, for its requester and the dataset's owner and stewards.");
        requests.MapPost("/{id:guid}/withdraw", Withdraw).WithName("WithdrawAccessRequest").WithSummary("The requester withdraws a pending request.");
        requests.MapPost("/{id:guid}/approve", Approve).WithName("ApproveAccessRequest")
            .WithSummary("Owners and stewards: approve as asked or narrower (validFrom, validUntil, columns, purposes), creating or extending the grant.");
        requests.MapPost("/{id:guid}/deny", Deny).WithName("DenyAccessRequest").WithSummary("Owners and stewards: deny with a reason.");
    }

    private static Results<Ok<T>, ProblemHttpResult> OkOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);

    private static async Task<Results<Created<AccessRequestView>, ProblemHttpResult>> Create(
        CreateAccessRequestInput? input, HttpContext http, AccessRequestService requests, CancellationToken ct)
    {
        var o = await requests.CreateAsync(Caller.From(http), input ?? new CreateAccessRequestInput(null, null, null, null, null, null, null, null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/access-requests/{o.Value!.Id}", o.Value);
    }

    private static async Task<Results<Ok<PageOf<AccessRequestView>>, ProblemHttpResult>> Mine(
        int? page, int? pageSize, HttpContext http, AccessRequestService requests, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await requests.MineAsync(Caller.From(http), paging.Value, ct));
    }

    private static async Task<Results<Ok<PageOf<AccessRequestView>>, ProblemHttpResult>> Inbox(
        Guid? datasetId, int? page, int? pageSize, HttpContext http, AccessRequestService requests, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await requests.InboxAsync(Caller.From(http), datasetId, paging.Value, ct));
    }

    private static async Task<Results<Ok<RequestFormView>, ProblemHttpResult>> Form(Guid datasetId, HttpContext http, AccessRequestService requests, CancellationToken ct) =>
        OkOr(await requests.FormAsync(Caller.From(http), datasetId, ct));

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Get(Guid id, HttpContext http, AccessRequestService requests, CancellationToken ct) =>
        OkOr(await requests.GetAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Withdraw(Guid id, HttpContext http, AccessRequestService requests, CancellationToken ct) =>
        OkOr(await requests.WithdrawAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Approve(
        Guid id, ApproveInput? input, HttpContext http, AccessRequestService requests, CancellationToken ct) =>
        OkOr(await requests.ApproveAsync(Caller.From(http), id, input ?? new ApproveInput(null, null, null, null), ct));

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Deny(
        Guid id, DenyInput? input, HttpContext http, AccessRequestService requests, CancellationToken ct) =>
        OkOr(await requests.DenyAsync(Caller.From(http), id, input ?? new DenyInput(null), ct));
}
