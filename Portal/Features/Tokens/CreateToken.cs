using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Tokens;

/// <summary>Creates a personal token with a name, scopes and a lifetime; its value is in the answer only.</summary>
public static class CreateToken
{
    public const int MaxLifetimeDays = 365;
    public static IReadOnlyList<string> OfferedScopes => Scopes.All;

    /// <summary>Live (unrevoked, unexpired) tokens one person may hold: each is a credential to watch and revoke.</summary>
    public const int MaxLivePerPerson = 20;

    public sealed record Input(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);

    public sealed record CreatedToken(TokenInfo Token, string Value);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder tokens) =>
        tokens.MapPost("/", Endpoint).WithName("CreateToken").WithSummary("Create a personal token; its value is in this response only.");

    private static async Task<Results<Created<CreatedToken>, ProblemHttpResult>> Endpoint(
        Input input, Caller caller, [AsParameters] TokenServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, input, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/tokens/{o.Value!.Token.Id}", o.Value);
    }

    public static async Task<Outcome<CreatedToken>> HandleAsync(TokenServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (TokenOwner.Of(caller.Principal) is not { } me)
        {
            return TokenOwner.NotWithAToken;
        }
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return Failure.Invalid("token.create.name_invalid", "name", "Give the token a name of 1 to 100 characters, e.g. the machine or script that uses it.");
        }
        if (TextRules.NameCharacters(name, "token.create.name_characters", "name") is { } unsafeName)
        {
            return unsafeName;
        }
        var scopes = input.Scopes;
        if (scopes is not { Count: > 0 } || scopes.Any(s => !OfferedScopes.Contains(s)) || scopes.Distinct().Count() != scopes.Count)
        {
            return Failure.Invalid("token.create.scopes_invalid", "scopes", $"Choose one or more of: {string.Join(", ", OfferedScopes)}, each once.");
        }
        if (input.ExpiresInDays is not ({ } days and >= 1 and <= MaxLifetimeDays))
        {
            return Failure.Invalid("token.create.lifetime_out_of_range", "expiresInDays", $"A token lives between 1 and {MaxLifetimeDays} days.");
        }

        var now = services.Time.GetUtcNow();
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        if (await db.ApiTokens.CountAsync(t => t.UserId == me && t.RevokedAt == null && t.ExpiresAt > now, ct) >= MaxLivePerPerson)
        {
            return Failure.Conflict("token.limit_reached", "name",
                $"You already hold {MaxLivePerPerson} live tokens; revoke one you no longer use first.");
        }
        var value = TokenSecrets.New();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = me,
            Name = name,
            Prefix = TokenSecrets.PrefixOf(value),
            Hash = TokenSecrets.Hash(value),
            Scopes = [.. scopes],
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
        };
        db.Add(token);
        services.Audit.Add(db, "token.created", AuditOutcome.Success, caller.Actor,
            details: new { tokenId = token.Id, token.Name, token.Prefix, token.Scopes, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return new CreatedToken(TokenInfo.Of(token), value);
    }
}
