using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.SignIn;

namespace Portal.Features.VirtualOrganizations;

/// <summary>/api/vos and /api/invitations: the same services the pages use, as HTTP. Handlers only translate.</summary>
internal static class VoApi
{
    public sealed record RoleInput(string? Role);
    public sealed record ExpiryInput(DateTimeOffset? ExpiresAt);
    public sealed record AcceptInput(string? Token);
    public sealed record JoinInput(string? Message);
    public sealed record ReasonInput(string? Reason);

    public static void MapVoApi(this RouteGroupBuilder api)
    {
        var vos = api.MapGroup("/vos").WithTags("Virtual organizations");
        vos.MapPost("/", Create).WithName("CreateVo").WithSummary("Create a VO; the caller becomes its admin.");
        vos.MapGet("/", ListMine).WithName("ListMyVos").WithSummary("The caller's VOs (?page=&pageSize=), with the total.");
        vos.MapGet("/open", ListOpen).WithName("ListOpenVos").WithSummary("VOs that accept join requests (?page=&pageSize=).");
        vos.MapGet("/{id:guid}", Get).WithName("GetVo").WithSummary("A VO, for its members, or for anyone when it is open.");
        vos.MapGet("/{id:guid}/members", Members).WithName("ListVoMembers").WithSummary("Members, for members; e-mail addresses for admins.");
        vos.MapPost("/{id:guid}/leave", Leave).WithName("LeaveVo").WithSummary("Leave the VO (or withdraw a join request). The last admin cannot.");
        vos.MapPut("/{id:guid}/members/{userId:guid}/role", ChangeRole).WithName("ChangeVoMemberRole").WithSummary("Admins: make a member admin or member.");
        vos.MapPut("/{id:guid}/members/{userId:guid}/expiry", SetExpiry).WithName("SetVoMembershipExpiry").WithSummary("Admins: set or renew when a membership ends (null: never).");
        vos.MapDelete("/{id:guid}/members/{userId:guid}", Remove).WithName("RemoveVoMember").WithSummary("Admins: remove a member (?reason=).");
        vos.MapPost("/{id:guid}/invitations", Invite).WithName("CreateVoInvitation").WithSummary("Admins: invite by link (no email) or e-mail. The token is shown only in this answer.");
        vos.MapGet("/{id:guid}/invitations", Invitations).WithName("ListVoInvitations").WithSummary("Admins: unused, unrevoked invitations.");
        vos.MapDelete("/{id:guid}/invitations/{invitationId:guid}", Revoke).WithName("RevokeVoInvitation").WithSummary("Admins: revoke an invitation.");
        vos.MapPost("/{id:guid}/join-requests", RequestToJoin).WithName("RequestToJoinVo").WithSummary("Ask to join an open VO, with a message to its admins.");
        vos.MapGet("/{id:guid}/join-requests", JoinRequests).WithName("ListVoJoinRequests").WithSummary("Admins: pending join requests.");
        vos.MapPost("/{id:guid}/join-requests/{userId:guid}/approve", Approve).WithName("ApproveVoJoinRequest").WithSummary("Admins: approve a join request.");
        vos.MapPost("/{id:guid}/join-requests/{userId:guid}/reject", Reject).WithName("RejectVoJoinRequest").WithSummary("Admins: reject a join request, with a reason.");

        api.MapPost("/invitations/accept", Accept).WithTags("Virtual organizations").WithName("AcceptVoInvitation")
            .WithSummary("Use an invitation token: expired, revoked or used → 410, unknown → 400, another person's e-mail invitation → 403.");
    }

    private static Results<Ok<T>, ProblemHttpResult> OkOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);

    private static Results<NoContent, ProblemHttpResult> NoContentOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Created<VoView>, ProblemHttpResult>> Create(CreateVoInput? input, HttpContext http, VoService vos, CancellationToken ct)
    {
        var o = await vos.CreateAsync(Caller.From(http), input ?? new CreateVoInput(null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{o.Value!.Id}", o.Value);
    }

    private static async Task<Results<Ok<PageOf<VoView>>, ProblemHttpResult>> ListMine(int? page, int? pageSize, HttpContext http, VoService vos, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await vos.ListMineAsync(Caller.From(http), paging.Value, ct));
    }

    private static async Task<Results<Ok<PageOf<VoView>>, ProblemHttpResult>> ListOpen(int? page, int? pageSize, HttpContext http, VoService vos, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await vos.ListOpenAsync(Caller.From(http), paging.Value, ct));
    }

    private static async Task<Results<Ok<VoView>, ProblemHttpResult>> Get(Guid id, HttpContext http, VoService vos, CancellationToken ct) =>
        OkOr(await vos.GetAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<IReadOnlyList<MemberView>>, ProblemHttpResult>> Members(Guid id, HttpContext http, VoService vos, CancellationToken ct) =>
        OkOr(await vos.MembersAsync(Caller.From(http), id, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Leave(Guid id, HttpContext http, VoService vos, CancellationToken ct) =>
        NoContentOr(await vos.LeaveAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> ChangeRole(
        Guid id, Guid userId, RoleInput? input, HttpContext http, VoService vos, CancellationToken ct) =>
        OkOr(await vos.ChangeRoleAsync(Caller.From(http), id, userId, input?.Role ?? "", ct));

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> SetExpiry(
        Guid id, Guid userId, ExpiryInput? input, HttpContext http, VoService vos, CancellationToken ct) =>
        OkOr(await vos.SetExpiryAsync(Caller.From(http), id, userId, input?.ExpiresAt, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, Guid userId, string? reason, HttpContext http, VoService vos, CancellationToken ct) =>
        NoContentOr(await vos.RemoveAsync(Caller.From(http), id, userId, reason, ct));

    private static async Task<Results<Created<CreatedInvitation>, ProblemHttpResult>> Invite(
        Guid id, CreateInvitationInput? input, HttpContext http, InvitationService invitations, CancellationToken ct)
    {
        var o = await invitations.CreateAsync(Caller.From(http), id, input ?? new CreateInvitationInput(null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{id}/invitations/{o.Value!.Invitation.Id}", o.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<InvitationView>>, ProblemHttpResult>> Invitations(
        Guid id, HttpContext http, InvitationService invitations, CancellationToken ct) =>
        OkOr(await invitations.ListAsync(Caller.From(http), id, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, Guid invitationId, HttpContext http, InvitationService invitations, CancellationToken ct) =>
        NoContentOr(await invitations.RevokeAsync(Caller.From(http), id, invitationId, ct));

    private static async Task<Results<Ok<VoView>, ProblemHttpResult>> Accept(AcceptInput? input, HttpContext http, InvitationService invitations, CancellationToken ct) =>
        OkOr(await invitations.AcceptAsync(Caller.From(http), input?.Token, ct));

    private static async Task<Results<Created<VoView>, ProblemHttpResult>> RequestToJoin(
        Guid id, JoinInput? input, HttpContext http, JoinRequestService joins, CancellationToken ct)
    {
        var o = await joins.RequestAsync(Caller.From(http), id, input?.Message, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{id}", o.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<JoinRequestView>>, ProblemHttpResult>> JoinRequests(
        Guid id, HttpContext http, JoinRequestService joins, CancellationToken ct) =>
        OkOr(await joins.ListAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Approve(
        Guid id, Guid userId, HttpContext http, JoinRequestService joins, CancellationToken ct) =>
        OkOr(await joins.ApproveAsync(Caller.From(http), id, userId, ct));

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Reject(
        Guid id, Guid userId, ReasonInput? input, HttpContext http, JoinRequestService joins, CancellationToken ct) =>
        OkOr(await joins.RejectAsync(Caller.From(http), id, userId, input?.Reason, ct));
}
