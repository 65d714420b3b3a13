using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.SignIn;

namespace Portal.Features.Me;

internal static class MeApi
{
    public static void MapMeApi(this RouteGroupBuilder api) =>
        api.MapGet("/me", GetMe).WithName("GetMe").WithSummary("The signed-in user, as the home institution asserted them.");

    public sealed record MeResponse(
        Guid Id, string DisplayName, string? Email, string Issuer, string Subject, string? HomeOrganization,
        string? Institution, IReadOnlyList<string> Affiliations, IReadOnlyList<string> Entitlements, IReadOnlyList<string> Roles);

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> GetMe(HttpContext http, PortalDb db, CancellationToken ct)
    {
        var id = http.User.UserId();
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
