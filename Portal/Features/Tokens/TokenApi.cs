using Portal.Features.SignIn;

namespace Portal.Features.Tokens;

/// <summary>/api/tokens: personal API tokens (the value is shown once, at creation).</summary>
internal static class TokenApi
{
    public sealed record CreateTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);

    public static void MapTokenApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapPost("/", async (CreateTokenRequest body, HttpContext http, TokenService service, CancellationToken ct) =>
        {
            var outcome = await service.CreateAsync(Caller.From(http), body.Name, body.Scopes, body.ExpiresInDays, ct);
            return outcome.Failure is { } failure
                ? failure.ToProblem()
                : Results.Created($"/api/tokens/{outcome.Value!.Token.Id}", outcome.Value);
        })
            .WithName("CreateToken")
            .WithSummary("Create a personal token; its value is in this response only.");
        tokens.MapGet("/", async (HttpContext http, TokenService service, CancellationToken ct) =>
            ToResult(await service.ListAsync(Caller.From(http), ct)))
            .WithName("ListTokens")
            .WithSummary("Your tokens (never their values).");
        tokens.MapDelete("/{id:guid}", async (Guid id, HttpContext http, TokenService service, CancellationToken ct) =>
            ToResult(await service.RevokeAsync(Caller.From(http), id, ct)))
            .WithName("RevokeToken")
            .WithSummary("Revoke a token at once.");
    }

    private static IResult ToResult<T>(Outcome<T> outcome) =>
        outcome.Failure is { } failure ? failure.ToProblem() : Results.Ok(outcome.Value);
}
