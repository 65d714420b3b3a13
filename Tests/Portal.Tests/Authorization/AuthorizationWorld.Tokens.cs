using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Tokens;
using Portal.Kernel;

namespace Portal.Tests.Authorization;

/// <summary>
/// Token personas: a persona's API token with a chosen set of scopes, and what each endpoint declares a token needs.
/// The tokens are written straight into the database, as token creation would, so that no limit on tokens per person
/// decides how many the tests may hold; authentication with them takes the real bearer path.
/// </summary>
public partial class AuthorizationWorld
{
    private readonly Dictionary<string, HttpClient> _tokenClients = [];

    public async Task<HttpClient> TokenClientAsync(Persona persona, IEnumerable<string> scopes)
    {
        var chosen = scopes.Order(StringComparer.Ordinal).ToList();
        var key = $"{persona} [{string.Join(' ', chosen)}]";
        if (_tokenClients.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var now = Clock.GetUtcNow();
        var value = TokenSecrets.New();
        await using (var db = CreateDb())
        {
            db.ApiTokens.Add(new ApiToken
            {
                Id = Guid.CreateVersion7(now),
                UserId = UserId(persona),
                Name = $"{persona} {_tokenClients.Count}",
                Prefix = TokenSecrets.PrefixOf(value),
                Hash = TokenSecrets.Hash(value),
                Scopes = chosen,
                CreatedAt = now,
                ExpiresAt = now.AddDays(30),
            });
            await db.SaveChangesAsync();
        }
        var client = CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        _tokenClients[key] = client;
        return client;
    }

    /// <summary>What the running app declares per operation, keyed like the matrix: "POST /api/grants/{}/revoke".</summary>
    public IReadOnlyDictionary<string, TokenScopeDeclaration> ScopeDeclarations() =>
        Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Key: OperationKey(m, "/" + e.RoutePattern.RawText!.TrimStart('/')), e)))
            .ToDictionary(x => x.Key, x => x.e.Metadata.GetMetadata<TokenScopeDeclaration>()
                ?? throw new InvalidOperationException($"{x.Key} declares no token scope"));

    /// <summary>"/api/vos/{id}/members/{userId}" and "/api/vos/{vo}/members/{fresh}?x=1" both become "/api/vos/{}/members/{}".</summary>
    public static string OperationKey(string method, string path) =>
        $"{method} {System.Text.RegularExpressions.Regex.Replace(path.Split('?')[0], "{[^}]*}", "{}").TrimEnd('/')}";
}
