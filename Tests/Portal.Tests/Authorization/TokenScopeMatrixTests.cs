using System.Globalization;
using System.Text;
using System.Text.Json;
using Portal.Kernel;

namespace Portal.Tests.Authorization;

/// <summary>
/// The authorization matrix again, with token personas. For every row, the persona whose browser session succeeds
/// (or, where none does, the researcher without a grant) calls with a token holding exactly the scope the endpoint
/// declares: the answer must be the session's, so the scope is enough. Then with a token holding every other scope:
/// 403 <c>token.scope_missing</c> naming that scope, so nothing else stands in for it. Browser-only endpoints refuse
/// a token holding every scope, with their own code; an endpoint open to any token answers each single-scope token.
/// </summary>
public sealed class TokenScopeMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    [Fact]
    public async Task Each_endpoint_accepts_exactly_its_scope_and_refuses_every_other()
    {
        await world.ReadyAsync();
        var declarations = world.ScopeDeclarations();
        var personas = Enum.GetValues<Persona>();
        var wrong = new StringBuilder();
        foreach (var call in AuthorizationMatrixTests.Table)
        {
            var expected = call.Expect.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var column = Array.FindIndex(expected, 1, s => s.StartsWith('2'));
            column = column < 0 ? (int)Persona.ResearcherWithoutGrant : column;
            var persona = personas[column];
            var session = expected[column];
            var declared = declarations[AuthorizationWorld.OperationKey(call.Method, call.Path)];

            if (declared.TokensRefused is { } refused)
            {
                var (status, code, _) = await CallAsync(call, persona, Scopes.All);
                Expect(wrong, call, "a token with every scope", "403 " + refused.Code, $"{status} {code}");
                continue;
            }
            if (declared.Scope is not { } scope)
            {
                foreach (var single in Scopes.All)
                {
                    var (status, code, _) = await CallAsync(call, persona, [single]);
                    Expect(wrong, call, $"a {single} token", session, status == "403" ? $"{status} {code}" : status);
                }
                continue;
            }

            var exact = await CallAsync(call, persona, [scope]);
            // Same status as the session, and where that is a refusal, not one for the scope.
            Expect(wrong, call, $"{persona}'s {scope} token", session,
                exact.Code == TokenScopeEnforcement.MissingCode ? $"{exact.Status} {exact.Code}" : exact.Status);
            var others = await CallAsync(call, persona, Scopes.All.Where(s => s != scope));
            Expect(wrong, call, $"{persona}'s token with every scope but {scope}", $"403 {TokenScopeEnforcement.MissingCode} {scope}",
                $"{others.Status} {others.Code} {others.Scope}");
        }
        Assert.True(wrong.Length == 0, "\n" + wrong);
    }

    private async Task<(string Status, string? Code, string? Scope)> CallAsync(AuthorizationMatrixTests.Endpoint call, Persona persona, IEnumerable<string> scopes)
    {
        var client = await world.TokenClientAsync(persona, scopes);
        var fresh = call.Fresh is null ? "" : (await call.Fresh(world)).ToString();
        using var request = world.Request(call, fresh);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return (status, null, null);
        }
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        return (status,
            root.TryGetProperty("code", out var code) ? code.GetString() : null,
            root.TryGetProperty("scope", out var needed) ? needed.GetString() : null);
    }

    private static void Expect(StringBuilder wrong, AuthorizationMatrixTests.Endpoint call, string who, string expected, string observed)
    {
        if (expected != observed)
        {
            wrong.AppendLine(CultureInfo.InvariantCulture, $"{call} as {who}: expected {expected}, got {observed}");
        }
    }
}
