using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Tokens;

/// <summary>Revokes one of the caller's tokens at once; revoking twice is harmless.</summary>
public static class RevokeToken
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder tokens) =>
        tokens.MapDelete("/{id:guid}", Endpoint).WithName("RevokeToken").WithSummary("Revoke a token at once.");

    private static async Task<Results<Ok<TokenInfo>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] TokenServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<TokenInfo>> HandleAsync(TokenServices services, Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        if (TokenOwner.Of(caller.Principal) is not { } me)
        {
            return TokenOwner.NotWithAToken;
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        // Someone else's token is as absent as a token that never existed.
        var token = await db.Set<ApiToken>().SingleOrDefaultAsync(t => t.Id == id && t.UserId == me, ct);
        if (token is null)
        {
            return Failure.NotFound("token.not_found", "No such token.");
        }
        if (token.RevokedAt is null)
        {
            token.RevokedAt = services.Time.GetUtcNow();
            services.Audit.Add(db, "token.revoked", AuditOutcome.Success, caller.Actor,
                details: new { tokenId = token.Id, token.Name, token.Prefix });
            await db.SaveChangesAsync(ct);
        }
        return TokenInfo.Of(token);
    }
}
