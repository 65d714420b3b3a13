using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Tokens;

/// <summary>The caller's tokens, newest first (never their values).</summary>
public static class ListTokens
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder tokens) =>
        tokens.MapGet("/", Endpoint).WithName("ListTokens").WithSummary("Your tokens (never their values).");

    private static async Task<Results<Ok<IReadOnlyList<TokenInfo>>, ProblemHttpResult>> Endpoint(
        Caller caller, [AsParameters] TokenServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<IReadOnlyList<TokenInfo>>> HandleAsync(TokenServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var tokens = await db.Set<ApiToken>().AsNoTracking().Where(t => t.UserId == me).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return Outcome.Ok<IReadOnlyList<TokenInfo>>([.. tokens.Select(TokenInfo.Of)]);
    }
}
