using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn;
using Portal.Policy.Model;

namespace Portal.Features.Tokens;

/// <summary>
/// Create, list and revoke personal tokens — for the API and the tokens page alike. Only a person signed in through
/// their institution manages tokens: a token never mints or revokes tokens.
/// </summary>
public sealed class TokenService(IDbContextFactory<PortalDb> dbs, AuditLog audit, TimeProvider time)
{
    public const int MaxLifetimeDays = 365;
    public static readonly IReadOnlyList<string> OfferedScopes = ["catalogue:read", "data:export"];

    public sealed record TokenInfo(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

    public sealed record CreatedToken(TokenInfo Token, string Value);

    public async Task<TokenResult<CreatedToken>> CreateAsync(ClaimsPrincipal caller, string? name, IReadOnlyList<string>? scopes, int? expiresInDays, string? ip, CancellationToken ct)
    {
        if (Owner(caller) is not { } me)
        {
            return TokenResult<CreatedToken>.Forbidden("Tokens are managed after signing in through your institution, not with a token.");
        }
        var errors = new Dictionary<string, string[]>();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors["name"] = ["Give the token a name of 1 to 100 characters, e.g. the machine or script that uses it."];
        }
        if (scopes is not { Count: > 0 } || scopes.Any(s => !OfferedScopes.Contains(s)) || scopes.Distinct().Count() != scopes.Count)
        {
            errors["scopes"] = [$"Choose one or more of: {string.Join(", ", OfferedScopes)}."];
        }
        if (expiresInDays is not (>= 1 and <= MaxLifetimeDays))
        {
            errors["expiresInDays"] = [$"A token lives between 1 and {MaxLifetimeDays} days."];
        }
        if (errors.Count > 0)
        {
            return TokenResult<CreatedToken>.Invalid(errors);
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
        audit.Add(db, "token.created", AuditOutcome.Success, new AuditActor(me, caller.Identity?.Name, ip),
            details: new { tokenId = token.Id, token.Name, token.Prefix, token.Scopes, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return TokenResult<CreatedToken>.Ok(new CreatedToken(Info(token), value));
    }

    public async Task<TokenResult<IReadOnlyList<TokenInfo>>> ListAsync(ClaimsPrincipal caller, CancellationToken ct)
    {
        if (caller.UserId() is not { } me)
        {
            return TokenResult<IReadOnlyList<TokenInfo>>.Forbidden("Sign in first.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var tokens = await db.Set<ApiToken>().AsNoTracking().Where(t => t.UserId == me).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return TokenResult<IReadOnlyList<TokenInfo>>.Ok([.. tokens.Select(Info)]);
    }

    public async Task<TokenResult<TokenInfo>> RevokeAsync(ClaimsPrincipal caller, Guid id, string? ip, CancellationToken ct)
    {
        if (Owner(caller) is not { } me)
        {
            return TokenResult<TokenInfo>.Forbidden("Tokens are managed after signing in through your institution, not with a token.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        // Someone else's token is as absent as a token that never existed.
        var token = await db.Set<ApiToken>().SingleOrDefaultAsync(t => t.Id == id && t.UserId == me, ct);
        if (token is null)
        {
            return TokenResult<TokenInfo>.NotFound();
        }
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            audit.Add(db, "token.revoked", AuditOutcome.Success, new AuditActor(me, caller.Identity?.Name, ip),
                details: new { tokenId = token.Id, token.Name, token.Prefix });
            await db.SaveChangesAsync(ct);
        }
        return TokenResult<TokenInfo>.Ok(Info(token));
    }

    private static Guid? Owner(ClaimsPrincipal caller) =>
        caller.UserId() is { } me && caller.FindFirstValue(BearerTokens.TokenIdClaim) is null ? me : null;

    private static TokenInfo Info(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>A service outcome that endpoints turn into status codes and pages into messages.</summary>
public sealed record TokenResult<T>(T? Value, int Status, string? Message, IReadOnlyDictionary<string, string[]>? Errors)
{
    public static TokenResult<T> Ok(T value) => new(value, 200, null, null);
    public static TokenResult<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new(default, 400, "The request was not valid.", errors);
    public static TokenResult<T> Forbidden(string message) => new(default, 403, message, null);
    public static TokenResult<T> NotFound() => new(default, 404, "No such token.", null);
}
