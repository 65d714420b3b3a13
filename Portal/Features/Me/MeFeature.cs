using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Me;

/// <summary>GET /api/me: who the portal thinks the caller is. The feature's one use case; it registers itself.</summary>
internal static class MeFeature
{
    public static RouteGroupBuilder MapMe(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/me", GetMe).WithName("GetMe").WithSummary("The signed-in user, as the home institution asserted them.");
        return api;
    }

    public sealed record MeResponse(
        Guid Id, string DisplayName, string? Email, string Issuer, string Subject, string? HomeOrganization,
        string? Institution, IReadOnlyList<string> Affiliations, IReadOnlyList<string> Entitlements, IReadOnlyList<string> Roles);

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> GetMe(Caller caller, PortalDb db, CancellationToken ct)
    {
        var id = caller.UserId;
        var user = id is null ? null : await db.Users.AsNoTracking().Include(u => u.Institution).SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }
        var roles = Enum.GetValues<PlatformRoles>().Where(r => r != PlatformRoles.None && user.PlatformRoles.HasFlag(r))
            .Select(r => r.ToString()).ToList();
        return TypedResults.Ok(new MeResponse(user.Id, user.DisplayName, user.Email, user.Issuer, user.Subject,
            user.HomeOrganization, user.Institution?.Name, user.Affiliations, user.Entitlements, roles));
    }
}
