using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn;

namespace Portal.Features.Tokens;

/// <summary>
/// Create, list and revoke personal tokens — for the API and the tokens page alike. Only a person signed in through
/// their institution manages tokens: a token never mints or revokes tokens.
/// </summary>
public sealed class TokenService(IDbContextFactory<PortalDb> dbs, AuditLog audit, TimeProvider time)
{
    public const int MaxLifetimeDays = 365;
    public static readonly IReadOnlyList<string> OfferedScopes = ["catalogue:read", "data:export", "permissions:read"];

    public sealed record TokenInfo(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

    public sealed record CreatedToken(TokenInfo Token, string Value);

    public async Task<Outcome<CreatedToken>> CreateAsync(Caller caller, string? name, IReadOnlyList<string>? scopes, int? expiresInDays, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Owner(caller.Principal) is not { } me)
        {
            return NotWithAToken;
        }
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return Failure.Invalid("name", "Give the token a name of 1 to 100 characters, e.g. the machine or script that uses it.");
        }
        if (scopes is not { Count: > 0 } || scopes.Any(s => !OfferedScopes.Contains(s)) || scopes.Distinct().Count() != scopes.Count)
        {
            return Failure.Invalid("scopes", $"Choose one or more of: {string.Join(", ", OfferedScopes)}, each once.");
        }
        if (expiresInDays is not (>= 1 and <= MaxLifetimeDays))
        {
            return Failure.Invalid("expiresInDays", $"A token lives between 1 and {MaxLifetimeDays} days.");
        }

        var now = time.GetUtcNow();
        var value = TokenSecrets.New();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = me,
            Name = name!,
            Prefix = TokenSecrets.PrefixOf(value),
            Hash = TokenSecrets.Hash(value),
            Scopes = [.. scopes!],
            CreatedAt = now,
            ExpiresAt = now.AddDays(expiresInDays!.Value),
        };
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.Add(token);
        audit.Add(db, "token.created", AuditOutcome.Success, caller.Actor,
            details: new { tokenId = token.Id, token.Name, token.Prefix, token.Scopes, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return new CreatedToken(Info(token), value);
    }

    public async Task<Outcome<IReadOnlyList<TokenInfo>>> ListAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var tokens = await db.Set<ApiToken>().AsNoTracking().Where(t => t.UserId == me).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return Outcome.Ok<IReadOnlyList<TokenInfo>>([.. tokens.Select(Info)]);
    }

    public async Task<Outcome<TokenInfo>> RevokeAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Owner(caller.Principal) is not { } me)
        {
            return NotWithAToken;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        // Someone else's token is as absent as a token that never existed.
        var token = await db.Set<ApiToken>().SingleOrDefaultAsync(t => t.Id == id && t.UserId == me, ct);
        if (token is null)
        {
            return Failure.NotFound("No such token.");
        }
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            audit.Add(db, "token.revoked", AuditOutcome.Success, caller.Actor,
                details: new { tokenId = token.Id, token.Name, token.Prefix });
            await db.SaveChangesAsync(ct);
        }
        return Info(token);
    }

    private static readonly Failure NotWithAToken =
        Failure.Forbidden("Tokens are managed after signing in through your institution, not with a token.");

    private static Guid? Owner(ClaimsPrincipal caller) =>
        caller.UserId() is { } me && caller.FindFirstValue(BearerTokens.TokenIdClaim) is null ? me : null;

    private static TokenInfo Info(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}
