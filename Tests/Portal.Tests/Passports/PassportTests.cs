using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Passports;

/// <summary>GA4GH Passports: a signed ControlledAccessGrants visa per live grant, verifiable with the published JWKS.</summary>
public sealed class PassportTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly Uri Mine = new("/api/permissions/me", UriKind.Relative);

    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static byte[] FromBase64Url(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private static async Task<JsonElement> VerifiedClaimsAsync(HttpClient client, string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        var kid = header.RootElement.GetProperty("kid").GetString();

        var jwks = await client.GetFromJsonAsync<JsonElement>(new Uri("/.well-known/jwks.json", UriKind.Relative));
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = FromBase64Url(jwk.GetProperty("n").GetString()!),
            Exponent = FromBase64Url(jwk.GetProperty("e").GetString()!),
        });
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "the visa's signature verifies with the published key");
        return JsonDocument.Parse(FromBase64Url(parts[1])).RootElement.Clone();
    }

    [Fact]
    public async Task A_researcher_gets_one_signed_visa_per_live_grant_ending_with_the_grant()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        var passport = await bob.GetFromJsonAsync<JsonElement>(Mine);
        var visas = passport.GetProperty("ga4gh_passport_v1").EnumerateArray().Select(v => v.GetString()!).ToList();
        var jwt = Assert.Single(visas);

        var claims = await VerifiedClaimsAsync(bob, jwt);
        Assert.Equal(DemoSeed.Bob.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
        var visa = claims.GetProperty("ga4gh_visa_v1");
        Assert.Equal("ControlledAccessGrants", visa.GetProperty("type").GetString());
        Assert.EndsWith($"/datasets/{DemoSeed.PatientsDataset}", visa.GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal("dac", visa.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_tampered_visa_does_not_verify()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        var jwt = (await bob.GetFromJsonAsync<JsonElement>(Mine)).GetProperty("ga4gh_passport_v1")[0].GetString()!;
        var parts = jwt.Split('.');
        var claims = Encoding.UTF8.GetString(FromBase64Url(parts[1])).Replace(DemoSeed.Bob.ToString(), DemoSeed.Carol.ToString(), StringComparison.Ordinal);
        var forged = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];
        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => VerifiedClaimsAsync(bob, forged));
    }

    [Fact]
    public async Task Someone_without_grants_gets_an_empty_passport_and_nobody_reads_anothers()
    {
        using var dave = await AsAsync(DemoSeed.Dave);
        var passport = await dave.GetFromJsonAsync<JsonElement>(Mine);
        Assert.Empty(passport.GetProperty("ga4gh_passport_v1").EnumerateArray());

        using var other = await dave.GetAsync(new Uri($"/api/permissions/{DemoSeed.Bob}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("passport.holder_only", await ProblemCode.OfAsync(other));
    }

    [Fact]
    public async Task A_token_needs_the_permissions_scope()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        async Task<string> TokenAsync(string scope)
        {
            using var created = await bob.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = scope, scopes = new[] { scope }, expiresInDays = 5 });
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString()!;
        }
        using var script = portal.CreateBrowserClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("permissions:read"));
        using var allowed = await script.GetAsync(Mine);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("catalogue:read"));
        using var refused = await script.GetAsync(Mine);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("token.scope_missing", await ProblemCode.OfAsync(refused));
    }
}
