using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Me;

/// <summary>GET /api/me: the signed-in user, as their home institution asserted them, with their platform roles.</summary>
internal static class GetMe
{
    public sealed record MeResponse(
        Guid Id, string DisplayName, string? Email, string Issuer, string Subject, string? HomeOrganization,
        string? Institution, IReadOnlyList<string> Affiliations, IReadOnlyList<string> Entitlements, IReadOnlyList<string> Roles);

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/me", Endpoint).WithName("GetMe").WithSummary("The signed-in user, as the home institution asserted them.");

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Endpoint(
        Caller caller, IDbContextFactory<PortalDb> dbs, CancellationToken ct)
    {
        var o = await HandleAsync(dbs, caller, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<MeResponse>> HandleAsync(IDbContextFactory<PortalDb> dbs, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dbs);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var id = caller.UserId;
        var user = id is null ? null : await db.Users.AsNoTracking().Include(u => u.Institution).SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Failure.SignInRequired;
        }
        var roles = Enum.GetValues<PlatformRoles>().Where(r => r != PlatformRoles.None && user.PlatformRoles.HasFlag(r))
            .Select(r => r.ToString()).ToList();
        return new MeResponse(user.Id, user.DisplayName, user.Email, user.Issuer, user.Subject,
            user.HomeOrganization, user.Institution?.Name, user.Affiliations, user.Entitlements, roles);
    }
}
